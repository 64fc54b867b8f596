"""The permission matrix: every URL of the project, asked by every kind of caller, against real
records of base A.

Each URL name is classified in TABLE (a class and, for URLs naming a record, the model of the
record of base A its kwargs point at). The callers: anonymous, the viewer, staff, manager and
administrator of base A, the staff and manager of base B (another unit under the same centre), and
an administrator of the centre. What each class promises:

PUBLIC    reachable without signing in (login, health check, public registration and submission
          forms reached through an unguessable token): never a server error.
PERSONAL  the signed-in user's own settings and notifications: anonymous callers are sent to log in.
PAGE      a page or list without a record in its address: anonymous callers are sent to log in,
          a viewer cannot write through it, base B never reads base A's records in it.
FORM      a page that creates records or acts on a selection (a bulk action names the model of the
          selection; base A's record is sent as the selection): a viewer's POST is refused.
GLOBAL    a network-wide list (taxonomy, lists of kinds) edited by network administrators only.
NETWORK   a record every signed-in member reads, whatever unit keeps it (policies: public documents);
          only its own unit's staff change it.
READ      a record's page: its unit's members see it (200), the centre's administrator sees it,
          base B gets 404 (not 403: the record's existence is not disclosed).
WRITE     an action on a record: as READ for base B; a viewer's POST is refused.
OWN       a record belonging to one user (a notification): everyone else gets 404.

Requests are sent with Django's test client, which skips the CSRF check: the permission checks
are tested on their own, not hidden behind a CSRF refusal. Nothing refused may change the database.

A new URL fails `test_every_url_is_classified` until it is added to TABLE.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.test_attack_world import build_world, media  # noqa: F401 - the `media` fixture

PUBLIC, PERSONAL, PAGE, FORM, GLOBAL, NETWORK, READ, WRITE, OWN = (
    "PUBLIC",
    "PERSONAL",
    "PAGE",
    "FORM",
    "GLOBAL",
    "NETWORK",
    "READ",
    "WRITE",
    "OWN",
)

# URL name → (class, model label of the base-A record its {pk} names, or the model of a bulk action's selection)
TABLE = {
    "home": (PAGE, None),
    "healthz": (PUBLIC, None),
    "login": (PUBLIC, None),
    "logout": (PERSONAL, None),
    "security:overview": (PERSONAL, None),
    "security:login_code": (PUBLIC, None),
    "security:two_factor": (PERSONAL, None),
    "security:recovery_codes": (PERSONAL, None),
    "security:recovery_codes_download": (PERSONAL, None),
    "security:login_event_list": (PAGE, None),
    "security:reset_two_factor": (WRITE, "core.User"),
    "security:unlock": (WRITE, "core.User"),
    "core:search": (PAGE, None),
    "core:autocomplete": (PAGE, None),
    "core:preferences": (PERSONAL, None),
    "core:set_language": (PUBLIC, None),
    "core:unit_list": (PAGE, None),
    "core:unit_add": (FORM, None),
    "core:unit": (READ, "core.Unit"),
    "core:unit_edit": (WRITE, "core.Unit"),
    "core:unit_history": (READ, "core.Unit"),
    "core:membership_add": (WRITE, "core.Unit"),
    "core:membership_remove": (WRITE, "core.Unit"),
    "core:user_list": (PAGE, None),
    "core:user_add": (FORM, None),
    "core:user": (READ, "core.User"),
    "core:user_edit": (WRITE, "core.User"),
    "core:password_change": (PERSONAL, None),
    "core:tokens": (PERSONAL, None),
    "core:token_revoke": (WRITE, "core.ApiToken"),
    "core:lists": (GLOBAL, None),
    "core:list": (GLOBAL, None),
    "people:person_list": (PAGE, None),
    "people:person_add": (FORM, None),
    "people:person_bulk_delete": (FORM, "people.Person"),
    "people:person_trash": (PAGE, None),
    "people:duplicate_list": (PAGE, None),
    "people:duplicate_scan": (FORM, None),
    "people:duplicate": (WRITE, "people.DuplicateCandidate"),
    "people:person": (READ, "people.Person"),
    "people:person_edit": (WRITE, "people.Person"),
    "people:person_delete": (WRITE, "people.Person"),
    "people:person_restore": (WRITE, "people.Person"),
    "people:person_history": (READ, "people.Person"),
    "people:person_reveal": (WRITE, "people.Person"),
    "people:person_share": (WRITE, "people.Person"),
    "people:person_unshare": (WRITE, "people.Person"),
    "people:affiliation_add": (FORM, None),
    "people:affiliation_edit": (WRITE, "people.Affiliation"),
    "people:affiliation_delete": (WRITE, "people.Affiliation"),
    "orgs:organization_list": (PAGE, None),
    "orgs:organization_add": (FORM, None),
    "orgs:organization_bulk_delete": (FORM, "orgs.Organization"),
    "orgs:organization_trash": (PAGE, None),
    "orgs:organization_restore": (WRITE, "orgs.Organization"),
    "orgs:organization": (READ, "orgs.Organization"),
    "orgs:organization_edit": (WRITE, "orgs.Organization"),
    "orgs:organization_delete": (WRITE, "orgs.Organization"),
    "orgs:organization_history": (READ, "orgs.Organization"),
    "activities:activity_list": (PAGE, None),
    "activities:activity_add": (FORM, None),
    "activities:activity_bulk_delete": (FORM, "activities.Activity"),
    "activities:activity_trash": (PAGE, None),
    "activities:activity": (READ, "activities.Activity"),
    "activities:activity_edit": (WRITE, "activities.Activity"),
    "activities:activity_delete": (WRITE, "activities.Activity"),
    "activities:activity_restore": (WRITE, "activities.Activity"),
    "activities:activity_history": (READ, "activities.Activity"),
    "activities:participant_add": (WRITE, "activities.Activity"),
    "activities:attachment_add": (WRITE, "activities.Activity"),
    "activities:attachment": (WRITE, "activities.Attachment"),
    "activities:checkin": (WRITE, "activities.Activity"),
    "activities:signin_sheet": (READ, "activities.Activity"),
    "activities:checkin_code": (WRITE, "activities.Participation"),
    "activities:participation_status": (WRITE, "activities.Participation"),
    "activities:series_list": (PAGE, None),
    "activities:series_add": (FORM, None),
    "activities:series": (READ, "activities.Series"),
    "activities:series_edit": (WRITE, "activities.Series"),
    "activities:programme_list": (PAGE, None),
    "activities:programme_add": (FORM, None),
    "activities:programme": (READ, "activities.Programme"),
    "activities:programme_edit": (WRITE, "activities.Programme"),
    "activities:speaker_list": (PAGE, None),
    "internships:position_list": (PAGE, None),
    "internships:position_add": (FORM, None),
    "internships:position_bulk_delete": (FORM, "internships.InternshipPosition"),
    "internships:position_trash": (PAGE, None),
    "internships:position": (READ, "internships.InternshipPosition"),
    "internships:position_edit": (WRITE, "internships.InternshipPosition"),
    "internships:position_delete": (WRITE, "internships.InternshipPosition"),
    "internships:position_restore": (WRITE, "internships.InternshipPosition"),
    "internships:position_history": (READ, "internships.InternshipPosition"),
    "internships:applicant_add": (WRITE, "internships.InternshipPosition"),
    "internships:application_status": (WRITE, "internships.InternshipApplication"),
    "internships:application_place": (WRITE, "internships.InternshipApplication"),
    "internships:placement_list": (PAGE, None),
    "internships:placement_edit": (WRITE, "internships.Placement"),
    "internships:placement_cancel": (WRITE, "internships.Placement"),
    "activity_register": (PUBLIC, None),
    "activity_register_done": (PUBLIC, None),
    "imports:batch_list": (PAGE, None),
    "imports:upload": (FORM, None),
    "imports:batch": (READ, "imports.ImportBatch"),
    "imports:check": (WRITE, "imports.ImportBatch"),
    "imports:commit": (WRITE, "imports.ImportBatch"),
    "imports:cancel": (WRITE, "imports.ImportBatch"),
    "imports:mapping_delete": (WRITE, "imports.SavedMapping"),
    "matching:demand_list": (PAGE, None),
    "matching:demand_add": (FORM, None),
    "matching:demand_bulk_delete": (FORM, "matching.Demand"),
    "matching:demand_trash": (PAGE, None),
    "matching:demand": (READ, "matching.Demand"),
    "matching:demand_edit": (WRITE, "matching.Demand"),
    "matching:demand_delete": (WRITE, "matching.Demand"),
    "matching:demand_restore": (WRITE, "matching.Demand"),
    "matching:demand_history": (READ, "matching.Demand"),
    "matching:demand_candidates": (READ, "matching.Demand"),
    "matching:demand_propose": (WRITE, "matching.Demand"),
    "matching:match_list": (PAGE, None),
    "matching:match_move": (WRITE, "matching.Match"),
    "matching:talent_profile": (WRITE, "people.Person"),
    "matching:opportunities": (READ, "people.Person"),
    "matching:plan_for_person": (WRITE, "people.Person"),
    "matching:plan_list": (PAGE, None),
    "matching:plan": (READ, "matching.Plan"),
    "matching:plan_edit": (WRITE, "matching.Plan"),
    "matching:plan_print": (READ, "matching.Plan"),
    "matching:plan_history": (READ, "matching.Plan"),
    "matching:plan_task_add": (WRITE, "matching.Plan"),
    "matching:plan_task": (WRITE, "matching.PlanTask"),
    "matching:field_tree": (PAGE, None),
    "matching:field_add": (GLOBAL, None),
    "matching:field_edit": (GLOBAL, "matching.Field"),
    "matching:intake_list": (PAGE, None),
    "matching:intake_add": (FORM, None),
    "matching:intake_edit": (WRITE, "matching.Intake"),
    "matching:submission_list": (PAGE, None),
    "matching:profile_submission": (WRITE, "matching.ProfileSubmission"),
    "matching:demand_review": (WRITE, "matching.Demand"),
    "policies:policy_list": (PAGE, None),
    "policies:policy_add": (FORM, None),
    "policies:policy_bulk_delete": (FORM, "policies.Policy"),
    "policies:policy_trash": (PAGE, None),
    "policies:policy": (NETWORK, "policies.Policy"),
    "policies:policy_edit": (WRITE, "policies.Policy"),
    "policies:policy_delete": (WRITE, "policies.Policy"),
    "policies:policy_restore": (WRITE, "policies.Policy"),
    "policies:policy_history": (NETWORK, "policies.Policy"),
    "policies:benefit_add": (WRITE, "policies.Policy"),
    "policies:benefit_edit": (WRITE, "policies.Benefit"),
    "policies:benefit_delete": (WRITE, "policies.Benefit"),
    "policies:person_benefits": (READ, "people.Person"),
    "matching_public:demand": (PUBLIC, None),
    "matching_public:profile": (PUBLIC, None),
    "ledger_public:case": (PUBLIC, None),
    "projects:project_list": (PAGE, None),
    "projects:board": (PAGE, None),
    "projects:project_add": (FORM, None),
    "projects:project_bulk_delete": (FORM, "projects.Project"),
    "projects:project_trash": (PAGE, None),
    "projects:project": (READ, "projects.Project"),
    "projects:project_edit": (WRITE, "projects.Project"),
    "projects:project_delete": (WRITE, "projects.Project"),
    "projects:project_restore": (WRITE, "projects.Project"),
    "projects:project_history": (READ, "projects.Project"),
    "projects:project_move": (WRITE, "projects.Project"),
    "projects:tranche_add": (WRITE, "projects.Project"),
    "projects:person_add": (WRITE, "projects.Project"),
    "projects:tranche_edit": (WRITE, "projects.Tranche"),
    "projects:tranche_delete": (WRITE, "projects.Tranche"),
    "projects:person_remove": (WRITE, "projects.ProjectPerson"),
    "ledger:case_list": (PAGE, None),
    "ledger:case_add": (FORM, None),
    "ledger:case_bulk_reassign": (FORM, "ledger.Case"),
    "ledger:case_trash": (PAGE, None),
    "ledger:project_choices": (PAGE, None),
    "ledger:case": (READ, "ledger.Case"),
    "ledger:case_edit": (WRITE, "ledger.Case"),
    "ledger:case_delete": (WRITE, "ledger.Case"),
    "ledger:case_restore": (WRITE, "ledger.Case"),
    "ledger:case_history": (READ, "ledger.Case"),
    "ledger:case_status": (WRITE, "ledger.Case"),
    "ledger:case_reassign": (WRITE, "ledger.Case"),
    "ledger:task_add": (WRITE, "ledger.Case"),
    "ledger:action_add": (WRITE, "ledger.Case"),
    "ledger:action_attachment": (READ, "ledger.CaseAction"),
    "ledger:task_list": (PAGE, None),
    "ledger:task": (WRITE, "ledger.CaseTask"),
    "ledger:task_edit": (WRITE, "ledger.CaseTask"),
    "ledger:overview": (PAGE, None),
    "ledger:service_list": (PAGE, None),
    "ledger:service_add": (FORM, None),
    "ledger:service_trash": (PAGE, None),
    "ledger:service": (READ, "ledger.ServiceRecord"),
    "ledger:service_edit": (WRITE, "ledger.ServiceRecord"),
    "ledger:service_delete": (WRITE, "ledger.ServiceRecord"),
    "ledger:service_restore": (WRITE, "ledger.ServiceRecord"),
    "ledger:service_history": (READ, "ledger.ServiceRecord"),
    "ledger:report_list": (PAGE, None),
    "ledger:report": (WRITE, "ledger.CaseReport"),
    "notifications:list": (PERSONAL, None),
    "notifications:read_all": (PERSONAL, None),
    "notifications:read": (OWN, "notifications.Notification"),
    "notifications:open": (OWN, "notifications.Notification"),
    "relations:interaction_list": (PAGE, None),
    "relations:interaction_add": (FORM, None),
    "relations:interaction_bulk_delete": (FORM, "relations.Interaction"),
    "relations:interaction_trash": (PAGE, None),
    "relations:interaction": (READ, "relations.Interaction"),
    "relations:interaction_edit": (WRITE, "relations.Interaction"),
    "relations:interaction_delete": (WRITE, "relations.Interaction"),
    "relations:interaction_restore": (WRITE, "relations.Interaction"),
    "relations:interaction_history": (READ, "relations.Interaction"),
    "relations:follow_up_done": (WRITE, "relations.Interaction"),
    "relations:key_contact_list": (PAGE, None),
    "relations:key_contact_add": (FORM, None),
    "relations:key_contact": (READ, "relations.KeyContact"),
    "relations:key_contact_edit": (WRITE, "relations.KeyContact"),
    "relations:key_contact_end": (WRITE, "relations.KeyContact"),
    "relations:key_contact_history": (READ, "relations.KeyContact"),
    "relations:figures": (PAGE, None),
    "relations:timeline": (READ, "people.Person"),
    "agreements:agreement_list": (PAGE, None),
    "agreements:agreement_add": (FORM, None),
    "agreements:agreement_bulk_delete": (FORM, "agreements.Agreement"),
    "agreements:agreement_trash": (PAGE, None),
    "agreements:commitment_list": (PAGE, None),
    "agreements:commitment": (WRITE, "agreements.Commitment"),
    "agreements:commitment_edit": (WRITE, "agreements.Commitment"),
    "agreements:agreement": (READ, "agreements.Agreement"),
    "agreements:agreement_edit": (WRITE, "agreements.Agreement"),
    "agreements:agreement_delete": (WRITE, "agreements.Agreement"),
    "agreements:agreement_restore": (WRITE, "agreements.Agreement"),
    "agreements:agreement_history": (READ, "agreements.Agreement"),
    "agreements:agreement_end": (WRITE, "agreements.Agreement"),
    "agreements:agreement_reopen": (WRITE, "agreements.Agreement"),
    "agreements:commitment_add": (WRITE, "agreements.Agreement"),
    "carriers:carrier_list": (PAGE, None),
    "carriers:carrier_add": (FORM, None),
    "carriers:carrier_bulk_delete": (FORM, "carriers.Carrier"),
    "carriers:carrier_trash": (PAGE, None),
    "carriers:carrier": (READ, "carriers.Carrier"),
    "carriers:carrier_edit": (WRITE, "carriers.Carrier"),
    "carriers:carrier_delete": (WRITE, "carriers.Carrier"),
    "carriers:carrier_restore": (WRITE, "carriers.Carrier"),
    "carriers:carrier_history": (READ, "carriers.Carrier"),
    "carriers:residency_list": (PAGE, None),
    "carriers:residency_add": (FORM, None),
    "carriers:residency": (READ, "carriers.Residency"),
    "carriers:residency_edit": (WRITE, "carriers.Residency"),
    "carriers:residency_delete": (WRITE, "carriers.Residency"),
    "carriers:residency_history": (READ, "carriers.Residency"),
    "carriers:residency_exit": (WRITE, "carriers.Residency"),
    "carriers:residency_undo_exit": (WRITE, "carriers.Residency"),
    "carriers:milestone_add": (WRITE, "carriers.Residency"),
    "carriers:milestone_delete": (WRITE, "carriers.Milestone"),
    "proposals:proposal_list": (PAGE, None),
    "proposals:proposal_add": (FORM, None),
    "proposals:proposal_bulk_delete": (FORM, "proposals.Proposal"),
    "proposals:proposal_trash": (PAGE, None),
    "proposals:proposal": (READ, "proposals.Proposal"),
    "proposals:proposal_edit": (WRITE, "proposals.Proposal"),
    "proposals:proposal_delete": (WRITE, "proposals.Proposal"),
    "proposals:proposal_restore": (WRITE, "proposals.Proposal"),
    "proposals:proposal_history": (READ, "proposals.Proposal"),
    "proposals:proposal_outcome": (WRITE, "proposals.Proposal"),
    "proposals:public_role_list": (PAGE, None),
    "proposals:public_role_add": (FORM, None),
    "proposals:public_role_edit": (WRITE, "proposals.PublicRole"),
    "proposals:public_role_delete": (WRITE, "proposals.PublicRole"),
    "reports:dashboard": (PAGE, None),
    "reports:catalogue": (PAGE, None),
    "reports:metric": (PAGE, None),
    "reports:records": (PAGE, None),
    "reports:export": (PAGE, None),
    "reports:bulletins": (PAGE, None),
    "reports:template-new": (FORM, None),
    "reports:template-edit": (WRITE, "reports.BulletinTemplate"),
    "audit:access_log": (PAGE, None),
    "privacy:consent_add": (WRITE, "people.Person"),
    "privacy:consent_withdraw": (WRITE, "privacy.Consent"),
    "privacy:person_export": (WRITE, "people.Person"),  # a manager's export of everything kept
    "privacy:person_erase": (WRITE, "people.Person"),
    "privacy:transfer_add": (WRITE, "people.Person"),
    "privacy:transfer_list": (PAGE, None),
    "privacy:retention": (PAGE, None),
    "privacy:retention_keep": (WRITE, "privacy.RetentionFlag"),
    "api:person-consents": (WRITE, "people.Person"),
    "api:person-consent-withdraw": (WRITE, "people.Person"),
    "api:person-export": (WRITE, "people.Person"),
    "api:person-erase": (WRITE, "people.Person"),
    "api:person-transfers": (WRITE, "people.Person"),
    "api:transfer-list": (PAGE, None),
    "api:schema": (PAGE, None),
    "api:docs": (PAGE, None),
    "api:person-opportunities": (READ, "people.Person"),
    "api:person-talent": (READ, "people.Person"),
    "api:person-plan": (WRITE, "people.Person"),
    "api:person-benefits": (READ, "people.Person"),
    "api:relationships-figures": (PAGE, None),
    "api:stats": (PAGE, None),
    "api:stats-metric": (PAGE, None),
    "api:unit-list": (PAGE, None),
    "api:unit-detail": (READ, "core.Unit"),
    "api:user-list": (PAGE, None),
    "api:user-detail": (READ, "core.User"),
    "api:person-list": (PAGE, None),
    "api:person-detail": (READ, "people.Person"),
    "api:person-history": (READ, "people.Person"),
    "api:person-reveal": (WRITE, "people.Person"),
    "api:person-shares": (WRITE, "people.Person"),
    "api:person-unshare": (WRITE, "people.Person"),
    "api:organization-list": (PAGE, None),
    "api:organization-detail": (READ, "orgs.Organization"),
    "api:organization-history": (READ, "orgs.Organization"),
    "api:affiliation-list": (PAGE, None),
    "api:affiliation-detail": (READ, "people.Affiliation"),
    "api:affiliation-history": (READ, "people.Affiliation"),
    "api:importbatch-list": (PAGE, None),
    "api:importbatch-detail": (READ, "imports.ImportBatch"),
    "api:importbatch-cancel": (WRITE, "imports.ImportBatch"),
    "api:importbatch-check": (WRITE, "imports.ImportBatch"),
    "api:importbatch-commit": (WRITE, "imports.ImportBatch"),
    "api:importbatch-rows": (READ, "imports.ImportBatch"),
    "api:internshipposition-list": (PAGE, None),
    "api:internshipposition-detail": (READ, "internships.InternshipPosition"),
    "api:internshipposition-history": (READ, "internships.InternshipPosition"),
    "api:internshipapplication-list": (PAGE, None),
    "api:internshipapplication-detail": (READ, "internships.InternshipApplication"),
    "api:internshipapplication-history": (READ, "internships.InternshipApplication"),
    "api:placement-list": (PAGE, None),
    "api:placement-detail": (READ, "internships.Placement"),
    "api:placement-history": (READ, "internships.Placement"),
    "api:activity-list": (PAGE, None),
    "api:activity-figures": (PAGE, None),
    "api:activity-detail": (READ, "activities.Activity"),
    "api:activity-activity-figures": (READ, "activities.Activity"),
    "api:activity-history": (READ, "activities.Activity"),
    "api:participation-list": (PAGE, None),
    "api:participation-detail": (READ, "activities.Participation"),
    "api:participation-history": (READ, "activities.Participation"),
    "api:series-list": (PAGE, None),
    "api:series-detail": (READ, "activities.Series"),
    "api:series-figures": (READ, "activities.Series"),
    "api:series-history": (READ, "activities.Series"),
    "api:programme-list": (PAGE, None),
    "api:programme-detail": (READ, "activities.Programme"),
    "api:programme-figures": (READ, "activities.Programme"),
    "api:programme-history": (READ, "activities.Programme"),
    "api:field-list": (GLOBAL, None),
    "api:field-detail": (GLOBAL, "matching.Field"),
    "api:demand-list": (PAGE, None),
    "api:demand-detail": (READ, "matching.Demand"),
    "api:demand-candidates": (READ, "matching.Demand"),
    "api:demand-history": (READ, "matching.Demand"),
    "api:match-list": (PAGE, None),
    "api:match-detail": (READ, "matching.Match"),
    "api:match-history": (READ, "matching.Match"),
    "api:plan-list": (PAGE, None),
    "api:plan-detail": (READ, "matching.Plan"),
    "api:policy-list": (PAGE, None),
    "api:policy-detail": (NETWORK, "policies.Policy"),
    "api:policy-history": (NETWORK, "policies.Policy"),
    "api:project-list": (PAGE, None),
    "api:project-totals": (PAGE, None),
    "api:project-detail": (READ, "projects.Project"),
    "api:project-history": (READ, "projects.Project"),
    "api:project-move": (WRITE, "projects.Project"),
    "api:project-tranches": (WRITE, "projects.Project"),
    "api:tranche-list": (PAGE, None),
    "api:tranche-detail": (READ, "projects.Tranche"),
    "api:tranche-history": (READ, "projects.Tranche"),
    "api:case-list": (PAGE, None),
    "api:case-detail": (READ, "ledger.Case"),
    "api:case-history": (READ, "ledger.Case"),
    "api:case-reassign": (WRITE, "ledger.Case"),
    "api:case-status": (WRITE, "ledger.Case"),
    "api:casetask-list": (PAGE, None),
    "api:casetask-detail": (READ, "ledger.CaseTask"),
    "api:casetask-done": (WRITE, "ledger.CaseTask"),
    "api:casetask-history": (READ, "ledger.CaseTask"),
    "api:casetask-undone": (WRITE, "ledger.CaseTask"),
    "api:caseaction-list": (PAGE, None),
    "api:caseaction-detail": (READ, "ledger.CaseAction"),
    "api:servicerecord-list": (PAGE, None),
    "api:servicerecord-detail": (READ, "ledger.ServiceRecord"),
    "api:servicerecord-history": (READ, "ledger.ServiceRecord"),
    "api:notification-list": (PERSONAL, None),
    "api:notification-read-all": (PERSONAL, None),
    "api:notification-detail": (OWN, "notifications.Notification"),
    "api:notification-read": (OWN, "notifications.Notification"),
    "api:interaction-list": (PAGE, None),
    "api:interaction-figures": (PAGE, None),
    "api:interaction-detail": (READ, "relations.Interaction"),
    "api:interaction-follow-up": (WRITE, "relations.Interaction"),
    "api:interaction-history": (READ, "relations.Interaction"),
    "api:keycontact-list": (PAGE, None),
    "api:keycontact-figures": (PAGE, None),
    "api:keycontact-detail": (READ, "relations.KeyContact"),
    "api:keycontact-end": (WRITE, "relations.KeyContact"),
    "api:keycontact-history": (READ, "relations.KeyContact"),
    "api:agreement-list": (PAGE, None),
    "api:agreement-figures": (PAGE, None),
    "api:agreement-detail": (READ, "agreements.Agreement"),
    "api:agreement-end": (WRITE, "agreements.Agreement"),
    "api:agreement-history": (READ, "agreements.Agreement"),
    "api:agreement-reopen": (WRITE, "agreements.Agreement"),
    "api:commitment-list": (PAGE, None),
    "api:commitment-detail": (READ, "agreements.Commitment"),
    "api:commitment-history": (READ, "agreements.Commitment"),
    "api:carrier-list": (PAGE, None),
    "api:carrier-figures": (PAGE, None),
    "api:carrier-detail": (READ, "carriers.Carrier"),
    "api:carrier-history": (READ, "carriers.Carrier"),
    "api:residency-list": (PAGE, None),
    "api:residency-figures": (PAGE, None),
    "api:residency-detail": (READ, "carriers.Residency"),
    "api:residency-exit": (WRITE, "carriers.Residency"),
    "api:residency-history": (READ, "carriers.Residency"),
    "api:residency-milestones": (WRITE, "carriers.Residency"),
    "api:residency-reopen": (WRITE, "carriers.Residency"),
    "api:proposal-list": (PAGE, None),
    "api:proposal-figures": (PAGE, None),
    "api:proposal-detail": (READ, "proposals.Proposal"),
    "api:proposal-history": (READ, "proposals.Proposal"),
    "api:proposal-outcome": (WRITE, "proposals.Proposal"),
    "api:publicrole-list": (PAGE, None),
    "api:publicrole-figures": (PAGE, None),
    "api:publicrole-detail": (READ, "proposals.PublicRole"),
    "api:publicrole-history": (READ, "proposals.PublicRole"),
    "api:api-root": (PAGE, None),
}

RECORD_CLASSES = (READ, WRITE, OWN)
# pages that show network-wide records (policies) to every unit
NETWORK_PAGES = {"policies:policy_list", "api:policy-list"}
# views that refuse with a message and a redirect to the record instead of a 403 (nothing is written:
# the database snapshot proves it)
SOFT_REFUSALS = {
    "people:person_share": {302},
    "people:person_unshare": {302},
    "activities:participation_status": {302},
    "matching:plan_for_person": {302},
    "ledger:case_bulk_reassign": {302},
    "api:person-plan": {200},  # answers the plan the person already has, unchanged
}
# a record's answer besides 200 that is not a refusal: 422, the matching engine has too little to match on
READ_ALSO = {"api:person-opportunities": {422}, "api:demand-candidates": {422}}
CALLERS = (
    "anonymous",
    "viewer_a",
    "staff_a",
    "manager_a",
    "admin_a",
    "staff_b",
    "manager_b",
    "admin_centre",
)
REFUSED = {403, 404, 405}
MISSING = 99_999_999
TAG_A = "記錄甲"  # in the name or title of every base-A record of the world


def url_patterns(resolver=None, namespace=None):
    """(name, pattern) of every URL pattern, through every include (the API router's too)."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from url_patterns(pattern, inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name or str(pattern.pattern)
            yield (f"{namespace}:{name}" if namespace and pattern.name else name), pattern


def kwarg_names(pattern) -> list[str]:
    route = str(pattern.pattern)
    found = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)
    return [a or b for a, b in found if (a or b) != "format"]


def _kwargs(name, pattern, world, missing=False) -> dict:
    """The kwargs of `name` pointing at base A's records (or, with `missing`, at no record)."""
    from qiao.activities import services as activity_services
    from qiao.reports import metrics

    cls, model = TABLE[name]
    a = world.a
    record = a[model] if model else None
    values = {}
    for kwarg in kwarg_names(pattern):
        if kwarg in ("pk", "id", "policy"):
            values[kwarg] = MISSING if missing else record.pk
        elif kwarg == "kind":
            values[kwarg] = "person" if name == "relations:timeline" else "people"
        elif kwarg == "slug":
            values[kwarg] = "person-roles"
        elif kwarg == "key":
            values[kwarg] = next(iter(metrics.CATALOGUE))
        elif kwarg == "code":
            participation = a["activities.Participation"]
            values[kwarg] = "9" * 12 if missing else activity_services.checkin_code(participation)
        elif kwarg == "token":
            activity = a["activities.Activity"]
            values[kwarg] = activity.registration_token if name.startswith("activity_") else a["matching.Intake"].token
        elif kwarg == "membership_pk":
            values[kwarg] = a["core.Membership"].pk
        elif kwarg == "consent_pk":
            values[kwarg] = a["privacy.Consent"].pk
        elif kwarg == "share_pk":
            values[kwarg] = a["people.PersonShare"].pk
        elif kwarg == "unit_id":
            values[kwarg] = world.network["hk"].pk
        else:
            raise AssertionError(f"{name}: say in _kwargs() which value its <{kwarg}> takes")
    return values


def _urls(world):
    seen = set()
    for name, pattern in url_patterns():
        if name in seen or name not in TABLE:
            continue
        seen.add(name)
        yield name, pattern


def _snapshot() -> dict:
    """Row counts of every table a refused request could have written."""
    from django.apps import apps

    skip = {"core.ActionLog", "security.LoginEvent", "axes.AccessAttempt", "axes.AccessLog"}
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.label not in skip and not model._meta.label.startswith(("sessions.", "axes.", "otp_"))
    }


def _send(client, name, method, url, world=None):
    api = name.startswith("api:")
    if method == "get":
        return client.get(url)
    if api:
        return getattr(client, method)(url, data="{}", content_type="application/json")
    cls, model = TABLE[name]
    selection = {"pk": [world.a[model].pk]} if cls == FORM and model and world is not None else {}
    return client.post(url, selection)


def _methods(name, cls):
    """The writing methods sent to a URL by callers that must not write."""
    if name.startswith("api:") and cls == READ and name.endswith("-detail"):
        return ["put", "patch", "delete"]
    return ["post"]


def _login_redirect(response) -> bool:
    return response.status_code == 302 and "/login/" in response.get("Location", "")


@pytest.fixture
def world(network, make_user, make_person, make_org, media):  # noqa: F811 - media is a fixture
    return build_world(network, make_user, make_person, make_org)


def test_every_url_is_classified():
    """Guards the matrix: a URL added without a class here would be left untested."""
    names = {name for name, _pattern in url_patterns()}
    unknown = sorted(names - set(TABLE))
    assert not unknown, (
        "These URL names are not classified in tests/test_permission_matrix.py TABLE; add each with its class "
        f"(PUBLIC, PERSONAL, PAGE, FORM, GLOBAL, READ, WRITE or OWN) and the model its <pk> names: {unknown}"
    )
    stale = sorted(set(TABLE) - names)
    assert not stale, f"TABLE lists URL names that no longer exist; remove them: {stale}"
    for name, (cls, model) in TABLE.items():
        if cls in RECORD_CLASSES or cls == NETWORK:
            assert model is not None, f"{name}: name the model of the record its <pk> points at"
        elif cls not in (GLOBAL, FORM):
            assert model is None, f"{name}: a {cls} URL names no record"


@pytest.mark.parametrize("caller", CALLERS)
def test_the_permission_matrix(client, world, caller):
    """Guards the scoping of every view: what each caller gets from every URL of base A's records.

    Fails if a view forgets the login requirement, lets base B reach base A's record (or tells it the
    record exists with a 403), lets a viewer write, hides base A's record from the centre's
    administrator, or if any refused request changed the database."""
    from qiao.reports import bulletin_templates

    bulletin_templates.ensure_default()  # the bulletins page writes the shared template on first sight
    if caller != "anonymous":
        client.force_login(world.users[caller])
    before = _snapshot()
    failures = []
    for name, pattern in _urls(world):
        cls, model = TABLE[name]
        try:
            url = reverse(name, kwargs=_kwargs(name, pattern, world))
        except Exception as error:  # noqa: BLE001 - reported with the URL's name
            failures.append(f"{name}: cannot build its URL ({error})")
            continue
        failures.extend(_check(client, world, caller, name, pattern, cls, url))
    after = _snapshot()
    changed = {label: (before[label], after.get(label)) for label in before if before[label] != after.get(label)}
    assert not changed, f"refused requests of {caller} changed rows: {changed}"
    assert not failures, f"{len(failures)} failures for {caller}:\n" + "\n".join(failures)


def _check(client, world, caller, name, pattern, cls, url):
    api = name.startswith("api:")
    problems = []

    def fail(method, response, expected):
        problems.append(f"{method.upper()} {url} ({name}, {cls}) → {response.status_code}, expected {expected}")

    writes = _methods(name, cls)
    if caller == "anonymous":
        for method in ["get", *writes]:
            response = _send(client, name, method, url)
            if response.status_code >= 500:
                fail(method, response, "no server error")
            elif cls != PUBLIC and not (
                response.status_code in ((401, 403, 405) if api else (405,)) or _login_redirect(response)
            ):
                fail(method, response, "the login page" if not api else "401/403")
        return problems

    response = client.get(url)
    if response.status_code >= 500:
        fail("get", response, "no server error")
        return problems
    base_b = caller in ("staff_b", "manager_b")
    if base_b and cls not in (PUBLIC, NETWORK) and name not in NETWORK_PAGES and TAG_A in _text(response):
        problems.append(f"GET {url} ({name}) shows base A's record to {caller}")
    if cls in RECORD_CLASSES:
        if base_b or (cls == OWN and caller != "staff_a"):
            missing_url = reverse(name, kwargs=_kwargs(name, pattern, world, missing=True))
            for method in ["get", *writes]:
                got = response if method == "get" else _send(client, name, method, url, world)
                if got.status_code == 404:
                    continue
                # a refusal that comes whether or not the record exists discloses nothing
                same = _send(client, name, method, missing_url).status_code
                if not (got.status_code in REFUSED and got.status_code == same):
                    fail(method, got, f"404 (a missing record gives {same})")
            return problems
        if cls == READ and response.status_code != 200 and response.status_code not in READ_ALSO.get(name, ()):
            fail("get", response, 200)
        if cls == WRITE and caller == "admin_centre" and response.status_code not in (200, 302, 405):
            fail("get", response, "200, 302 or 405")
    if cls == NETWORK and response.status_code != 200:
        fail("get", response, "200 (every member reads it)")
    soft = SOFT_REFUSALS.get(name, set())
    if caller == "viewer_a" and cls in (FORM, GLOBAL, NETWORK, READ, WRITE):
        for method in writes:
            got = _send(client, name, method, url, world)
            if got.status_code not in REFUSED | soft or _login_redirect(got):
                fail(method, got, "403, 404 or 405 (a viewer does not write)")
    if base_b and cls in (GLOBAL, NETWORK):
        for method in writes:
            got = _send(client, name, method, url, world)
            # 400: an empty body is refused before the unit is (nothing written: the snapshot says so)
            if got.status_code not in REFUSED | {400}:
                fail(method, got, "403, 404 or 405 (kept by their own unit or the network's administrators)")
    return problems


def _text(response) -> str:
    if getattr(response, "streaming", False):
        return ""
    content_type = response.get("Content-Type", "")
    if not content_type.startswith(("text/", "application/json")):
        return ""
    return response.content.decode("utf-8", "replace")
