"""The units' X accounts as the last audit found them (circular 001 §1, §8, §10): for each unit in the
reader's scope, its accounts, what is wrong and what to fix, with the last audit's time and cost. HQ sees
every unit; a unit's cell its own (and those under it); a supervisor the units below."""

from collections import Counter

from django.db.models import Prefetch
from django.shortcuts import render

from complaints import scoping
from districts import account_rules as rules
from districts.models import AccountAuditRun, AuditStatus, Unit, XAccount

from .common import staff_required


def _account_row(account):
    check = getattr(account, "x_check", None)
    codes = rules.findings(account, check) if check is None else check.findings
    return {"account": account, "check": check,
            "problems": [dict(zip(("problem", "fix"), rules.describe(code, account, check)), code=code)
                         for code in codes]}


def _unit_rows(user):
    unit_ids = scoping.visible_unit_ids(user)
    units = Unit.objects.active().order_by("unit_type", "name_en").prefetch_related(Prefetch(
        "accounts", queryset=XAccount.objects.filter(is_active=True).select_related("x_check", "unit")))
    if unit_ids is not None:
        units = units.filter(pk__in=unit_ids)
    rows = []
    for unit in units:
        accounts = [_account_row(a) for a in unit.accounts.all()]
        missing = [] if accounts else [dict(zip(("problem", "fix"), rules.describe(rules.NO_ACCOUNT)),
                                            code=rules.NO_ACCOUNT)]
        rows.append({"unit": unit, "accounts": accounts, "no_account": missing,
                     "problems": len(missing) + sum(len(a["problems"]) for a in accounts)})
    return rows


@staff_required()
def account_audit(request):
    rows = _unit_rows(request.user)
    only_problems = request.GET.get("problems") == "1"
    last = AccountAuditRun.objects.exclude(status=AuditStatus.RUNNING).first()
    last_done = AccountAuditRun.objects.filter(status=AuditStatus.COMPLETE).first()
    counts = Counter(p["code"] for r in rows
                     for p in r["no_account"] + [q for a in r["accounts"] for q in a["problems"]])
    summary = [{"code": code, "count": n, "label": rules.SHORT.get(code, code)} for code, n in counts.most_common()]
    return render(request, "dashboard/account_audit.html", {
        "rows": [r for r in rows if r["problems"]] if only_problems else rows,
        "only_problems": only_problems,
        "units_with_problems": sum(1 for r in rows if r["problems"]), "units": len(rows),
        "summary": summary, "last": last, "last_done": last_done, "is_hq": scoping.is_hq(request.user),
    })
