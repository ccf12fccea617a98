from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from audit.services import audit_history
from programs.models import Pillar, Strategy
from regions import access

from . import selectors
from .filters import BudgetLineFilterSet


@login_required
def line_list(request):
    """Budget lines within the user's read scope, filtered like the API.

    Always bound, so the page without parameters shows what the API and the
    totals count: each pemda's latest stage."""
    base = selectors.budget_line_list(user=request.user)
    filterset = BudgetLineFilterSet(data=request.GET, queryset=base)
    lines = filterset.qs if filterset.is_valid() else base.none()
    summary = selectors.budget_line_summary(
        user=request.user, filters=request.GET.dict() if request.GET else None
    )
    page = Paginator(lines.order_by("fiscal_year", "unit__code", "sub_kegiatan__code", "id"), 50).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "budgets/budgetline_list.html",
        {
            "filterset": filterset,
            "page": page,
            "summary": summary,
            "query": query.urlencode(),
            "years": selectors.fiscal_years(user=request.user),
            "pillars": Pillar.objects.all(),
            "strategies": Strategy.objects.all(),
        },
    )


@login_required
def line_detail(request, pk: int):
    line = get_object_or_404(selectors.budget_line_list(user=request.user), pk=pk)
    return render(
        request,
        "budgets/budgetline_detail.html",
        {
            "line": line,
            "tags": line.tags.select_related("pillar", "strategy", "created_by", "import_batch"),
            "history": audit_history(instance=line)[:50],
            "documents": selectors.line_documents(line=line)[:200],
            "can_see_batches": access.can_import(request.user, line.region_id),
            "can_change": access.can_change(request.user, line.region_id),
        },
    )
