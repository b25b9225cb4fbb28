"""The desk has its own icon: linked from every page (staff and public) and served for /favicon.ico."""

import xml.etree.ElementTree as ET

from django.contrib.staticfiles import finders
from django.urls import reverse


def test_every_page_links_the_icon_and_favicon_ico_leads_to_it(client, client_for, hq):
    # Tried: the login page, a staff page and the public tracking page, then the address browsers ask for.
    for page, who in (("/accounts/login/", None), (reverse("dashboard:inbox"), hq), ("/track/", None)):
        html = client_for(who).get(page).content.decode()
        assert 'rel="icon" href="/static/dashboard/favicon' in html, page
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"].startswith("/static/dashboard/favicon")
    icon = finders.find("dashboard/favicon.svg")
    assert icon and ET.parse(icon).getroot().tag == "{http://www.w3.org/2000/svg}svg"
