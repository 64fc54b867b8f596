"""The relationship figures in one place, for a unit (and every unit below it) and a period: contacts by
kind, key contacts and their lapses, agreements signed and in force, sister pairs and commitments,
carriers and the teams and enterprises they host, proposals submitted and adopted.

Each figure is the figure of its own app's `figures` service (their docstrings hold the precise
definitions), over exactly the records the reader may see, so the reports can take them as they are.
Where a list shows exactly the records a figure counts, the figure carries that list's address with the
same filters, and the list's count equals the number.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiao.core.days import local_today


@dataclass
class Figure:
    key: str
    label: str
    value: object
    url: str = ""
    parts: list = field(default_factory=list)  # a breakdown: [(code, label, value, url)]


@dataclass
class Section:
    key: str
    title: str
    figures: list[Figure]


def _url(name: str, **query) -> str:
    pairs = [(k, v) for k, values in query.items() for v in (values if isinstance(values, list) else [values]) if v]
    return reverse(name) + ("?" + urlencode(pairs) if pairs else "")


def _iso(day: datetime.date | None) -> str:
    return day.isoformat() if day else ""


def relationship_figures(
    user, *, unit=None, start: datetime.date | None = None, end: datetime.date | None = None
) -> list[Section]:
    """The sections of figures for `user`, within `unit` and its sub-units (None: all they may see),
    in the period `start`..`end` (inclusive; None: open). States ("in force", "in incubation",
    "overdue") are read on `end` when it is before today, else today, in the reader's local day."""
    from qiao.agreements import services as agreements
    from qiao.agreements.models import Agreement, AgreementKind
    from qiao.carriers import services as carriers
    from qiao.carriers.models import Carrier, Residency
    from qiao.core.choices import OrganizationRegion
    from qiao.proposals import services as proposals
    from qiao.proposals.models import Channel, Proposal

    from . import services
    from .models import Interaction, InteractionKind, KeyContact

    today = local_today(user)
    on = end if end is not None and end < today else today
    now = on == today  # the lists show states as of today only
    scope = {"unit": unit.pk if unit else ""}

    def within(queryset, path="unit"):
        return queryset.filter(**{f"{path}__path__startswith": unit.path}) if unit else queryset

    # contacts
    interactions = within(Interaction.objects.restrict(user, "view"))
    if start:
        interactions = interactions.filter(occurred_on__gte=start)
    if end:
        interactions = interactions.filter(occurred_on__lte=end)
    contact = services.interaction_figures(interactions)
    period = {"date_from": _iso(start), "date_to": _iso(end), **scope}
    kinds = dict(InteractionKind.choices)
    keys = services.key_contact_figures(within(KeyContact.objects.restrict(user, "view")), on)
    contacts = Section(
        "contacts",
        _("Contacts and key contacts"),
        [
            Figure(
                "interactions",
                _("Contacts logged"),
                contact["count"],
                _url("relations:interaction_list", **period),
                [
                    (code, kinds[code], n, _url("relations:interaction_list", kind=code, **period))
                    for code, n in contact["by_kind"].items()
                ],
            ),
            Figure("people_contacted", _("People contacted"), contact["people"]),
            Figure("organizations_contacted", _("Organisations contacted"), contact["organizations"]),
            Figure("key_contacts", _("Key contacts"), keys["active"], _url("relations:key_contact_list", **scope)),
            Figure(
                "key_contacts_overdue",
                _("Key contacts overdue for a contact"),
                keys["overdue"],
                _url("relations:key_contact_list", overdue="1", **scope) if now else "",
            ),
            Figure(
                "liaisons",
                _("Enterprises with a one-to-one liaison"),
                keys["liaisons"],
                _url("relations:key_contact_list", kind="liaison", **scope),
            ),
        ],
    )

    # agreements
    found = agreements.figures(within(Agreement.objects.restrict(user, "view")), start=start, end=end, today=today)
    signed = {"signed_from": _iso(start), "signed_to": _iso(end), **scope}
    agreement_kinds = dict(AgreementKind.choices)
    agreement_section = Section(
        "agreements",
        _("Cooperation agreements"),
        [
            Figure(
                "agreements_signed",
                _("Agreements signed"),
                found["signed"],
                _url("agreements:agreement_list", **signed),
                [
                    (code, agreement_kinds[code], n, _url("agreements:agreement_list", kind=code, **signed))
                    for code, n in found["signed_by_kind"].items()
                ],
            ),
            Figure(
                "agreements_in_force",
                _("Agreements in force"),
                found["in_force"],
                _url("agreements:agreement_list", status="in_force", **scope) if now else "",
            ),
            Figure("sister_pairs", _("Sister-institution pairs"), found["sister_pairs"]),
            Figure(
                "commitments_overdue",
                _("Commitments overdue"),
                found["commitments_overdue"],
                _url("agreements:commitment_list", overdue="1", **scope),
            ),
        ],
    )

    # carriers
    residencies = within(Residency.objects.restrict(user, "view"), "carrier__unit")
    hosted = carriers.figures(residencies, on=on, start=start, end=on)
    places = carriers.carrier_figures(within(Carrier.objects.restrict(user, "view")), on=on)
    teams = hosted["by_kind"]["team"]
    team_origins = carriers.figures(residencies.filter(kind="team"), on=on, start=start, end=on)["by_origin"]
    origins = dict(OrganizationRegion.choices)
    carrier_section = Section(
        "carriers",
        _("Carriers and incubation"),
        [
            Figure("carriers", _("Carriers"), places["count"], _url("carriers:carrier_list", **scope)),
            Figure(
                "teams_in_incubation",
                _("Teams in incubation"),
                teams["in_incubation"],
                _url("carriers:residency_list", kind="team", status="present", present_on=_iso(on), **scope),
                [
                    (code, origins[code], row["in_incubation"], "")
                    for code, row in team_origins.items()
                    if row["in_incubation"]
                ],
            ),
            Figure(
                "teams_hosted",
                _("Teams ever hosted"),
                teams["ever_hosted"],
                _url("carriers:residency_list", kind="team", entered_to=_iso(on), **scope),
            ),
            Figure("teams_graduated", _("Teams graduated in the period"), teams["graduated"]),
            Figure(
                "enterprises_introduced",
                _("Enterprises introduced in the period"),
                hosted["enterprises_introduced"],
                _url(
                    "carriers:residency_list",
                    kind="enterprise",
                    entered_from=_iso(start),
                    entered_to=_iso(on),
                    **scope,
                ),
                [
                    (code, origins[code], row["enterprises_introduced"], "")
                    for code, row in hosted["by_origin"].items()
                    if row["enterprises_introduced"]
                ],
            ),
            Figure("landed", _("Registered a company or landed in the period"), hosted["landed"]),
        ],
    )

    # proposals
    submitted = {"submitted_from": _iso(start), "submitted_to": _iso(end), **scope}
    made = proposals.figures(within(Proposal.objects.restrict(user, "view")), start=start, end=end)
    channels = dict(Channel.choices)
    proposal_section = Section(
        "proposals",
        _("Suggestions and proposals"),
        [
            Figure(
                "proposals_submitted",
                _("Proposals submitted"),
                made["submitted"],
                _url("proposals:proposal_list", **submitted),
                [
                    (code, channels[code], n, _url("proposals:proposal_list", channel=code, **submitted))
                    for code, n in made["by_channel"].items()
                ],
            ),
            Figure(
                "proposals_adopted",
                pgettext_lazy("proposals", "Adopted"),
                made["adopted"],
                _url("proposals:proposal_list", outcome=["adopted", "endorsed"], **submitted),
            ),
            Figure(
                "proposals_endorsed",
                _("Endorsed by leaders"),
                made["endorsed"],
                _url("proposals:proposal_list", outcome="endorsed", **submitted),
            ),
            Figure("proposal_authors", _("People who made them"), made["authors"]),
        ],
    )
    return [contacts, agreement_section, carrier_section, proposal_section]


def as_dict(sections: list[Section]) -> dict:
    """The figures as plain values, keyed as the sections and figures are (for the API)."""
    return {
        section.key: {
            figure.key: figure.value if not figure.parts else {"total": figure.value, "parts": _parts(figure)}
            for figure in section.figures
        }
        for section in sections
    }


def _parts(figure: Figure) -> dict:
    return {code: value for code, _label, value, _address in figure.parts}
