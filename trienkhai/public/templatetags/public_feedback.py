"""`{% programme_feedback programme %}`: what citizens said about a programme, for its page inside
the product (the plans app shows it without knowing how comments are kept)."""

from django import template

from trienkhai.public.feedback import programme_feedback as feedback_of

register = template.Library()


@register.inclusion_tag("public/manage/programme_feedback.html")
def programme_feedback(programme):
    return {"feedback": feedback_of(programme), "programme": programme}
