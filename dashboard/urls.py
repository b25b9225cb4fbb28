from django.urls import path, re_path

from .views import complaint, handover, home, inbox, ingest, intake, league, queue, replies, review, search, security
from .views import costs, notifications, watches

app_name = "dashboard"

urlpatterns = [
    path("", home.home, name="home"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/rows/", inbox.inbox_rows, name="inbox_rows"),
    path("inbox/bulk/", inbox.bulk, name="inbox_bulk"),
    path("complaints/", search.complaints, name="complaints"),
    re_path(r"^export/complaints\.(?P<fmt>csv|xlsx)$", search.export, name="export_complaints"),
    path("c/<str:code>/", complaint.detail, name="complaint"),
    path("c/<str:code>/act/<slug:action>/", complaint.act, name="act"),
    path("intake/", intake.intake, name="intake"),
    path("replies/", replies.replies, name="replies"),
    path("replies/new/", replies.edit, name="reply_new"),
    path("replies/<int:pk>/", replies.edit, name="reply_edit"),
    path("queue/", queue.queue, name="queue"),
    path("supervise/", queue.supervise, name="supervise"),
    path("handover/", handover.handover, name="handover"),
    path("league/", league.league, name="league"),
    re_path(r"^export/league\.(?P<fmt>csv|xlsx)$", league.league_export, name="export_league"),
    path("review/", review.weekly_pick, name="weekly_review_pick"),
    re_path(r"^review/(?P<week>\d{4}-W\d{2})/(?P<language>en|hi)\.pdf$", review.weekly_pdf, name="weekly_review"),
    re_path(r"^export/honour-roll\.(?P<fmt>csv|xlsx)$", review.honour_roll_export, name="export_honour_roll"),
    path("ingest/", ingest.health, name="health"),
    path("x-bill/", costs.x_bill, name="x_bill"),
    path("good-work/", ingest.good_work, name="good_work"),
    path("not-filed/", ingest.not_filed, name="not_filed"),
    path("watch-queue/", watches.queue, name="watch_queue"),
    path("watches/", watches.watch_list, name="watches"),
    path("watches/new/", watches.watch_edit, name="watch_new"),
    path("watches/<int:pk>/", watches.watch_edit, name="watch_edit"),
    path("account/tokens/", security.tokens_page, name="tokens"),
    path("account/tokens/<int:pk>/revoke/", security.token_revoke, name="token_revoke"),
    path("security/lockouts/", security.lockouts_page, name="lockouts"),
    path("security/lockouts/unlock/", security.unlock, name="unlock"),
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/read/", notifications.notification_read, name="notifications_read"),
    path("notifications/<int:pk>/", notifications.notification_open, name="notification_open"),
]
