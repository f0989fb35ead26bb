"""`{% url "name" … "00000000-0000-0000-0000-000000000000" as url %}` once, then `{{ url|with_id:row.id }}`
in each row (see iasios.core.rows)."""

from django import template

from iasios.core.rows import with_id

register = template.Library()
register.filter("with_id", with_id)
