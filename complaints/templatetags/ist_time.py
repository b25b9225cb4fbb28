from django import template

from complaints import dates

register = template.Library()
register.filter("ist", dates.ist)
