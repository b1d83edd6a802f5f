import type { Migration } from "kysely";
import * as m20261128_0800 from "./2026_11_28_0800_create_platform_tables.ts";
import * as m20261128_0900 from "./2026_11_28_0900_create_accounts_and_audit.ts";
import * as m20261128_1000 from "./2026_11_28_1000_extend_areas.ts";
import * as m20261128_1100 from "./2026_11_28_1100_create_police_beats.ts";
import * as m20261128_1200 from "./2026_11_28_1200_create_area_versions.ts";
import * as m20261128_1300 from "./2026_11_28_1300_add_assignment_employment.ts";
import * as m20261128_1400 from "./2026_11_28_1400_create_area_lineage.ts";
import * as m20261128_1500 from "./2026_11_28_1500_create_registry.ts";
import * as m20261128_1600 from "./2026_11_28_1600_index_person_name_prefix.ts";
import * as m20261128_1700 from "./2026_11_28_1700_index_person_names_in_c_order.ts";
import * as m20261128_1800 from "./2026_11_28_1800_create_event_categories_and_calendar.ts";
import * as m20261128_1900 from "./2026_11_28_1900_create_events.ts";
import * as m20261128_2000 from "./2026_11_28_2000_create_event_intake_and_disputes.ts";
import * as m20261128_2100 from "./2026_11_28_2100_index_boundary_revision.ts";
import * as m20261128_2200 from "./2026_11_28_2200_create_deferred_ddl.ts";
import * as m20261206_1100 from "./2026_12_06_1100_remask_id_numbers.ts";
import * as m20261206_1101 from "./2026_12_06_1101_create_person_lookup.ts";
import * as m20261206_1102 from "./2026_12_06_1102_seal_import_reports.ts";
import * as m20261206_1140 from "./2026_12_06_1140_add_sign_in_counters.ts";
import * as m20261206_1145 from "./2026_12_06_1145_add_event_overdue_flag.ts";
import * as m20261206_1200 from "./2026_12_06_1200_seal_event_free_text.ts";
import * as m20261206_1201 from "./2026_12_06_1201_add_event_publicity.ts";
import * as m20261206_1300 from "./2026_12_06_1300_unique_user_phones.ts";
import * as m20261206_1301 from "./2026_12_06_1301_limit_client_error_reports.ts";
import * as m20261206_1320 from "./2026_12_06_1320_trim_audit_role.ts";
import * as m20261206_1420 from "./2026_12_06_1420_rename_demo_accounts.ts";
import * as m20261207_0900 from "./2026_12_07_0900_create_visits.ts";
import * as m20261207_1000 from "./2026_12_07_1000_grant_auditor_area_read.ts";
import * as m20261208_0900 from "./2026_12_08_0900_add_event_occurred_at.ts";
import * as m20261208_0901 from "./2026_12_08_0901_index_event_steps_by_area.ts";
import * as m20261208_0902 from "./2026_12_08_0902_add_visit_photo_hash.ts";
import * as m20261208_0920 from "./2026_12_08_0920_create_figures.ts";
import * as m20261208_0940 from "./2026_12_08_0940_create_risk_warning.ts";
import * as m20261208_0941 from "./2026_12_08_0941_grant_risk_permissions.ts";
import * as m20261208_1000 from "./2026_12_08_1000_create_disclosures.ts";
import * as m20261208_1001 from "./2026_12_08_1001_grant_disclosure_review.ts";
import * as m20261208_1002 from "./2026_12_08_1002_create_procedures.ts";
import * as m20261208_1020 from "./2026_12_08_1020_create_resident_links_and_subsidies.ts";
import * as m20261208_1040 from "./2026_12_08_1040_create_notices.ts";
import * as m20261209_0900 from "./2026_12_09_0900_recount_figures.ts";
import * as m20261210_0900 from "./2026_12_10_0900_create_reports.ts";
import * as m20261210_0940 from "./2026_12_10_0940_index_boundary_extent.ts";
import * as m20261210_1000 from "./2026_12_10_1000_create_projects.ts";
import * as m20261210_1001 from "./2026_12_10_1001_extend_comments_to_procedures_and_projects.ts";
import * as m20261210_1002 from "./2026_12_10_1002_grant_project_manage.ts";
import * as m20261211_0900 from "./2026_12_11_0900_create_screen_tokens.ts";
import * as m20261211_0920 from "./2026_12_11_0920_revoke_admin_report_read.ts";
import * as m20261211_0940 from "./2026_12_11_0940_create_open_matter_day.ts";
import * as m20261211_1000 from "./2026_12_11_1000_create_project_acceptance.ts";
import * as m20261212_0900 from "./2026_12_12_0900_create_close_out_grid.ts";
import * as m20261212_0901 from "./2026_12_12_0901_index_event_created_id.ts";
import * as m20261212_0920 from "./2026_12_12_0920_add_person_access_subject.ts";
import * as m20261213_0900 from "./2026_12_13_0900_count_reports_in_trigger.ts";

/**
 * Every migration, in order. Listed explicitly (not globbed) so the set is the same under tsx,
 * Vitest and a bundler. Forward-only: a landed migration is never edited; add a new one.
 */
export const migrations: Record<string, Migration> = {
  "2026_11_28_0800_create_platform_tables": m20261128_0800,
  "2026_11_28_0900_create_accounts_and_audit": m20261128_0900,
  "2026_11_28_1000_extend_areas": m20261128_1000,
  "2026_11_28_1100_create_police_beats": m20261128_1100,
  "2026_11_28_1200_create_area_versions": m20261128_1200,
  "2026_11_28_1300_add_assignment_employment": m20261128_1300,
  "2026_11_28_1400_create_area_lineage": m20261128_1400,
  "2026_11_28_1500_create_registry": m20261128_1500,
  "2026_11_28_1600_index_person_name_prefix": m20261128_1600,
  "2026_11_28_1700_index_person_names_in_c_order": m20261128_1700,
  "2026_11_28_1800_create_event_categories_and_calendar": m20261128_1800,
  "2026_11_28_1900_create_events": m20261128_1900,
  "2026_11_28_2000_create_event_intake_and_disputes": m20261128_2000,
  "2026_11_28_2100_index_boundary_revision": m20261128_2100,
  "2026_11_28_2200_create_deferred_ddl": m20261128_2200,
  "2026_12_06_1100_remask_id_numbers": m20261206_1100,
  "2026_12_06_1101_create_person_lookup": m20261206_1101,
  "2026_12_06_1102_seal_import_reports": m20261206_1102,
  "2026_12_06_1140_add_sign_in_counters": m20261206_1140,
  "2026_12_06_1145_add_event_overdue_flag": m20261206_1145,
  "2026_12_06_1200_seal_event_free_text": m20261206_1200,
  "2026_12_06_1201_add_event_publicity": m20261206_1201,
  "2026_12_06_1300_unique_user_phones": m20261206_1300,
  "2026_12_06_1301_limit_client_error_reports": m20261206_1301,
  "2026_12_06_1320_trim_audit_role": m20261206_1320,
  "2026_12_06_1420_rename_demo_accounts": m20261206_1420,
  "2026_12_07_0900_create_visits": m20261207_0900,
  "2026_12_07_1000_grant_auditor_area_read": m20261207_1000,
  "2026_12_08_0900_add_event_occurred_at": m20261208_0900,
  "2026_12_08_0901_index_event_steps_by_area": m20261208_0901,
  "2026_12_08_0902_add_visit_photo_hash": m20261208_0902,
  "2026_12_08_0920_create_figures": m20261208_0920,
  "2026_12_08_0940_create_risk_warning": m20261208_0940,
  "2026_12_08_0941_grant_risk_permissions": m20261208_0941,
  "2026_12_08_1000_create_disclosures": m20261208_1000,
  "2026_12_08_1001_grant_disclosure_review": m20261208_1001,
  "2026_12_08_1002_create_procedures": m20261208_1002,
  "2026_12_08_1020_create_resident_links_and_subsidies": m20261208_1020,
  "2026_12_08_1040_create_notices": m20261208_1040,
  "2026_12_09_0900_recount_figures": m20261209_0900,
  "2026_12_10_0900_create_reports": m20261210_0900,
  "2026_12_10_0940_index_boundary_extent": m20261210_0940,
  "2026_12_10_1000_create_projects": m20261210_1000,
  "2026_12_10_1001_extend_comments_to_procedures_and_projects": m20261210_1001,
  "2026_12_10_1002_grant_project_manage": m20261210_1002,
  "2026_12_11_0900_create_screen_tokens": m20261211_0900,
  "2026_12_11_0920_revoke_admin_report_read": m20261211_0920,
  "2026_12_11_0940_create_open_matter_day": m20261211_0940,
  "2026_12_11_1000_create_project_acceptance": m20261211_1000,
  "2026_12_12_0900_create_close_out_grid": m20261212_0900,
  "2026_12_12_0901_index_event_created_id": m20261212_0901,
  "2026_12_12_0920_add_person_access_subject": m20261212_0920,
  "2026_12_13_0900_count_reports_in_trigger": m20261213_0900,
};
