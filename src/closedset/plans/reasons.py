"""The check's findings in the coordinator's language.

The check (closedset.core.check) gives each finding a reason in the formats.md shape ("mara:
slap to face is a hard limit"); the API and the command keep it. The coordinator's page shows it
with names and labels (templatetags.plan_edits.in_words) in English; in another language this
module says the same thing in that language, from the finding's own fields, naming people in the
fixed shape of docs/translation.md ("„partner/ka → Mara: plácnutí (obličej)“ je pevná hranice"),
with plans.finding_words, which the command shares. A reason it does not recognise gives ""
and the page falls back to the English words.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils import translation
from django.utils.translation import gettext

from closedset.boundaries.services import NOT_SHARED
from closedset.core.check import Finding
from closedset.core.taxonomy import Taxonomy
from closedset.plans.finding_words import finding_words


def finding_line(finding: Finding, names: Mapping[str, str], taxonomy: Taxonomy) -> str:
    """The finding in the taxonomy's language for the coordinator; "" in English (the page's
    own words stand) or for a reason this module does not know."""
    if taxonomy.lang == "en" or finding.act not in taxonomy.acts:
        return ""
    with translation.override(taxonomy.lang):
        handle = finding.performer or ""
        name = names.get(handle) or handle
        if finding.reason == f"{handle}: {NOT_SHARED}":
            return gettext(
                "%(name)s has not shared a profile with this production: talk it through "
                "one-on-one."
            ) % {"name": name}
        return finding_words(finding, names, taxonomy, gettext)
