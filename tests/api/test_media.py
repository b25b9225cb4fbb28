"""The API's complaint detail lists the photos and videos attached on X, under the same scoping as the
complaint; the list, the public tracking answer and Open311 never carry them."""

from complaints.models import Complaint

PHOTO = {"media_key": "3_1861000000000000099", "type": "photo", "url": "https://pbs.twimg.com/media/Fq3xPhoto.jpg",
         "preview_image_url": "", "alt_text": "Photo of the injured man", "width": 1200, "height": 900}


def _with_media(complaint, media):
    Complaint.objects.filter(pk=complaint.pk).update(media=media)
    complaint.refresh_from_db()
    return complaint


def test_detail_lists_media(api, meerut_cell, forwarded):
    complaint = _with_media(forwarded("meerut"), [PHOTO, {**PHOTO, "media_key": "3_2", "url": "javascript:x"}])
    body = api(meerut_cell).get(f"/api/v1/complaints/{complaint.tracking_code}/").json()
    assert body["media"] == [PHOTO, {**PHOTO, "media_key": "3_2", "url": ""}]
    listed = api(meerut_cell).get("/api/v1/complaints/").json()["results"][0]
    assert listed["tracking_code"] == complaint.tracking_code and "media" not in listed


def test_detail_without_media_is_an_empty_list(api, hq, forwarded):
    assert api(hq).get(f"/api/v1/complaints/{forwarded('meerut').tracking_code}/").json()["media"] == []


def test_restricted_complaint_media_only_for_those_who_may_see_it(api, forwarded, lucknow_cell, meerut_cell,
                                                                 hq_operator, hq):
    secret = _with_media(forwarded("lucknow-commissionerate", is_restricted=True), [PHOTO])
    url = f"/api/v1/complaints/{secret.tracking_code}/"
    for outsider in (meerut_cell, hq_operator):
        response = api(outsider).get(url)
        assert response.status_code == 404 and PHOTO["alt_text"] not in response.content.decode()
    for insider in (lucknow_cell, hq):
        assert api(insider).get(url).json()["media"] == [PHOTO]


def test_public_answers_carry_no_media(api, client, forwarded):
    complaint = _with_media(forwarded("meerut"), [PHOTO])
    for response in (api().get(f"/api/v1/track/{complaint.tracking_code}/"),
                     client.get(f"/track/{complaint.tracking_code}/"),
                     client.get("/open311/v2/requests.json")):
        assert response.status_code == 200, response.request
        assert PHOTO["url"] not in response.content.decode() and PHOTO["alt_text"] not in response.content.decode()
