"""Whether the unit's history offers to cancel a rating's decision: exactly when the cancel page
would accept it (`assessments.views.decisions.may_cancel`)."""

from django import template

from assessments.views.decisions import may_cancel

register = template.Library()


@register.simple_tag(takes_context=True)
def can_cancel_decision(context, rating) -> bool:
    user = context["request"].user
    return user.is_authenticated and may_cancel(user, rating)
