"""The complaint page's "Photos and videos" card: alt text and a link per item, nothing loaded from X
until staff open one, and nothing at all for a viewer who may not see a restricted complaint."""

import re

import pytest

from complaints.media import visible_media
from complaints.models import Complaint

PHOTO = {"media_key": "3_1861000000000000099", "type": "photo", "url": "https://pbs.twimg.com/media/Fq3xPhoto.jpg",
         "preview_image_url": "", "alt_text": "Stolen scooter UP32 AB 1234 near the mall", "width": 1200, "height": 900}
VIDEO = {"media_key": "7_1861000000000000098", "type": "video", "url": "",
         "preview_image_url": "https://pbs.twimg.com/ext_tw_video_thumb/1861000000000000098/pu/img/Vq.jpg",
         "alt_text": "", "width": 1280, "height": 720}


def _with_media(complaint, media):
    Complaint.objects.filter(pk=complaint.pk).update(media=media)
    complaint.refresh_from_db()
    return complaint


def _card(html):
    match = re.search(r'<div class="card" id="media">.*?</ul>\s*</div>', html, re.S)
    return match.group(0) if match else ""


def test_card_shows_alt_text_and_links_and_loads_nothing_from_x(client_for, meerut_cell, meerut_complaint):
    complaint = _with_media(meerut_complaint, [PHOTO, VIDEO])
    response = client_for(meerut_cell).get(f"/c/{complaint.tracking_code}/")
    assert response.status_code == 200
    html = response.content.decode()
    card = _card(html)
    assert "Photos and videos" in card and PHOTO["alt_text"] in card and "1200×900" in card
    # One link per item, to the photo or the video's preview image, in a new tab without a referrer.
    links = re.findall(r"<a [^>]*media-open[^>]*>", card)
    assert len(links) == 2
    assert f'href="{PHOTO["url"]}"' in links[0] and f'href="{VIDEO["preview_image_url"]}"' in links[1]
    for link in links:
        assert 'target="_blank"' in link and 'rel="noopener noreferrer"' in link
    # Nothing on the page fetches from X by itself: no image, source, video or frame pointing there.
    assert not re.search(r"<(img|source|video|iframe|picture|object|embed)\b[^>]*twimg", html)
    assert not re.search(r"(src|srcset|poster|data)=\"[^\"]*twimg", html)
    # And the policy would refuse one anyway.
    img_src = re.search(r"img-src ([^;]*)", response.headers["Content-Security-Policy"]).group(1)
    assert "twimg" not in img_src and "https:" not in img_src.split()


def test_no_card_without_media(client_for, meerut_cell, meerut_complaint):
    html = client_for(meerut_cell).get(f"/c/{meerut_complaint.tracking_code}/").content.decode()
    assert 'id="media"' not in html and "Photos and videos" not in html


def test_restricted_complaint_media_hidden_from_another_unit(client_for, forwarded, lucknow_cell, meerut_cell,
                                                            hq_operator, hq):
    secret = _with_media(forwarded("lucknow-commissionerate", is_restricted=True,
                                   text="Restricted: harassment, photo attached"), [PHOTO])
    url = f"/c/{secret.tracking_code}/"
    for outsider in (meerut_cell, hq_operator):
        response = client_for(outsider).get(url)
        assert response.status_code == 404
        assert PHOTO["alt_text"] not in response.content.decode() and PHOTO["url"] not in response.content.decode()
        assert visible_media(outsider, secret) == []
    # The unit's own cell (which sees restricted complaints) and the HQ supervisor see the card.
    for insider in (lucknow_cell, hq):
        assert PHOTO["alt_text"] in _card(client_for(insider).get(url).content.decode())
        assert visible_media(insider, secret) == [PHOTO]


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "https://evil.example/x.jpg", 'https://pbs.twimg.com/a" onclick="x'])
def test_a_stored_address_off_x_is_never_a_link(client_for, meerut_cell, meerut_complaint, bad):
    complaint = _with_media(meerut_complaint, [{**PHOTO, "url": bad}])
    card = _card(client_for(meerut_cell).get(f"/c/{complaint.tracking_code}/").content.decode())
    assert "Not available from X" in card and "<a " not in card and "evil" not in card and "javascript" not in card
