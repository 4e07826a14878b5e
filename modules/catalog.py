"""The built-in catalog of common ERP business modules and the standard list of a module's
deliverables. Names and descriptions are translatable; a module or project created from them keeps
them in the language of the person who created it."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class CatalogModule:
    code: str
    name: Promise
    description: Promise


CATALOG: tuple[CatalogModule, ...] = (
    CatalogModule("fin-gl", _("Finance / General ledger"), _("Chart of accounts, journals, period close, reporting.")),
    CatalogModule("fin-ap", _("Accounts payable"), _("Supplier invoices, payment runs, supplier balances.")),
    CatalogModule("fin-ar", _("Accounts receivable"), _("Customer invoices, collections, credit control.")),
    CatalogModule("fin-aa", _("Fixed assets"), _("Asset master data, acquisitions, depreciation, retirements.")),
    CatalogModule("co", _("Costing and controlling"), _("Cost centres, product costing, profitability analysis.")),
    CatalogModule("wm", _("Inventory and warehouse"), _("Stock, goods movements, bins, physical inventory.")),
    CatalogModule("mm-pur", _("Purchasing"), _("Purchase requisitions and orders, suppliers, contracts.")),
    CatalogModule("sd", _("Sales and distribution"), _("Quotations, sales orders, deliveries, billing.")),
    CatalogModule("pp", _("Production planning"), _("BOMs, routings, MRP, production orders, shop floor.")),
    CatalogModule("qm", _("Quality management"), _("Inspection plans, quality notifications, certificates.")),
    CatalogModule("pm", _("Plant maintenance"), _("Equipment, maintenance plans and orders.")),
    CatalogModule("hr", _("HR and payroll"), _("Employees, organisation, time, payroll.")),
    CatalogModule("ps", _("Project system"), _("Projects, WBS, budgets, milestones.")),
    CatalogModule("bi", _("Reporting and analytics"), _("Management reports, dashboards, data warehouse.")),
)

CATALOG_BY_CODE = {entry.code: entry for entry in CATALOG}


@dataclass(frozen=True)
class StandardDeliverable:
    name: Promise
    description: Promise
    due_days_before_go_live: int


# What a Key User delivers for a module, in the order a rollout needs it. A new project starts from
# this list and may change it.
STANDARD_DELIVERABLES: tuple[StandardDeliverable, ...] = (
    StandardDeliverable(
        _("Process design"), _("To-be business processes of the module, agreed with the consultant."), 120
    ),
    StandardDeliverable(_("Master data"), _("Master data templates filled in, cleansed and checked."), 75),
    StandardDeliverable(
        _("Implementation documents"), _("Configuration decisions, work instructions and key reports."), 60
    ),
    StandardDeliverable(_("Acceptance test"), _("Test scenarios written and the module's acceptance run."), 30),
    StandardDeliverable(_("Training material"), _("End-user training material ready for the sessions."), 21),
    StandardDeliverable(
        _("Cutover and data migration"), _("Cutover steps and migrated opening balances reconciled."), 14
    ),
)
