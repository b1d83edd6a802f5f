import type {
  AreaBoundaryTable,
  AreaLineageTable,
  AreaTable,
  AreaVersionTable,
  GridBeatTable,
  PoliceBeatTable,
} from "../modules/areas/areas.table.ts";
import type { AuditLogTable } from "../modules/audit/audit.table.ts";
import type {
  ApiTokenTable,
  LoginAttemptTable,
  LoginLockTable,
  OtpChallengeTable,
  SessionTable,
} from "../modules/auth/auth.table.ts";
import type {
  CommentTable,
  DisclosureFileTable,
  DisclosureSettingTable,
  DisclosureTable,
  DisclosureVersionTable,
  ProcedureTable,
} from "../modules/disclosures/disclosures.table.ts";
import type {
  DisputeFollowupTable,
  DisputePartyTable,
  DisputeTable,
  EventAttachmentTable,
  EventCategoryTable,
  EventCounterTable,
  EventFollowerTable,
  EventStepTable,
  EventTable,
  FreeTextSealingTable,
  IntakeDeviceNonceTable,
  IntakeDeviceTable,
  MediationAgreementTable,
  MediationSessionTable,
  NotificationTable,
  Open311KeyTable,
  WorkCalendarDayTable,
} from "../modules/events/events.table.ts";
import type {
  AreaGridCountTable,
  FigureDayTable,
  FigureRebuildTable,
  OpenMatterDayTable,
} from "../modules/figures/figures.table.ts";
import type {
  BroadcastAudioTable,
  BroadcastItemTable,
  NoticeHouseholdTable,
  NoticeRecipientTable,
  NoticeTable,
  ResidentVillageTable,
} from "../modules/notices/notices.table.ts";
import type { AppMetaTable, ClientErrorReportTable, DeferredDdlTable } from "../modules/platform/platform.table.ts";
import type {
  ProjectAcceptanceTable,
  ProjectFileTable,
  ProjectMilestoneTable,
  ProjectTable,
  ProjectVersionTable,
} from "../modules/projects/projects.table.ts";
import type {
  AreaAttributionTable,
  HouseholdTable,
  ImportJobTable,
  ImportRejectionTable,
  LeadHouseholdLinkTable,
  OrganisationTable,
  PersonAccessTable,
  PersonLookupTable,
  PersonTable,
  PlaceTable,
  SubjectTagTable,
  TagDefinitionTable,
} from "../modules/registry/registry.table.ts";
import type { ReportJudgementTable, ReportTable } from "../modules/reports/reports.table.ts";
import type { ResidentLinkAttemptTable, ResidentLinkTable } from "../modules/residents/residents.table.ts";
import type {
  AlertRecordTable,
  AlertTable,
  AlertTaskTable,
  JobLeaseTable,
  PlaybookTable,
  RiskRuleTable,
  SensitiveDateTable,
} from "../modules/risk/risk.table.ts";
import type { RolePermissionTable, RoleTable } from "../modules/roles/roles.table.ts";
import type { ScreenTokenTable } from "../modules/screen/screen.table.ts";
import type {
  SubsidyBatchTable,
  SubsidyPaymentTable,
  SubsidyProgramTable,
} from "../modules/subsidies/subsidies.table.ts";
import type { AppUserTable, AssignmentTable } from "../modules/users/users.table.ts";
import type {
  CloseOutAreaTable,
  CloseOutCarryOverTable,
  CloseOutCorrectionTable,
  CloseOutGridTable,
  CloseOutTable,
  VisitLastTable,
  VisitNeedTable,
  VisitPersonTable,
  VisitPlanTable,
  VisitTable,
} from "../modules/visits/visits.table.ts";

/** Every table Kysely may query; each module contributes its `<domain>.table.ts`. */
export interface DB {
  app_meta: AppMetaTable;
  client_error_report: ClientErrorReportTable;
  deferred_ddl: DeferredDdlTable;
  area: AreaTable;
  area_boundary: AreaBoundaryTable;
  area_version: AreaVersionTable;
  area_lineage: AreaLineageTable;
  police_beat: PoliceBeatTable;
  grid_beat: GridBeatTable;
  app_user: AppUserTable;
  assignment: AssignmentTable;
  role: RoleTable;
  role_permission: RolePermissionTable;
  session: SessionTable;
  api_token: ApiTokenTable;
  screen_token: ScreenTokenTable;
  login_attempt: LoginAttemptTable;
  login_lock: LoginLockTable;
  otp_challenge: OtpChallengeTable;
  audit_log: AuditLogTable;
  place: PlaceTable;
  household: HouseholdTable;
  person: PersonTable;
  organisation: OrganisationTable;
  area_attribution: AreaAttributionTable;
  tag_definition: TagDefinitionTable;
  subject_tag: SubjectTagTable;
  lead_household_link: LeadHouseholdLinkTable;
  person_access: PersonAccessTable;
  import_job: ImportJobTable;
  import_rejection: ImportRejectionTable;
  person_lookup: PersonLookupTable;
  event_category: EventCategoryTable;
  work_calendar_day: WorkCalendarDayTable;
  event: EventTable;
  area_grid_count: AreaGridCountTable;
  figure_day: FigureDayTable;
  figure_rebuild: FigureRebuildTable;
  open_matter_day: OpenMatterDayTable;
  event_step: EventStepTable;
  event_counter: EventCounterTable;
  event_attachment: EventAttachmentTable;
  event_follower: EventFollowerTable;
  notification: NotificationTable;
  open311_key: Open311KeyTable;
  intake_device: IntakeDeviceTable;
  intake_device_nonce: IntakeDeviceNonceTable;
  dispute: DisputeTable;
  dispute_party: DisputePartyTable;
  mediation_session: MediationSessionTable;
  mediation_agreement: MediationAgreementTable;
  dispute_followup: DisputeFollowupTable;
  free_text_sealing: FreeTextSealingTable;
  visit_plan: VisitPlanTable;
  visit: VisitTable;
  visit_person: VisitPersonTable;
  visit_need: VisitNeedTable;
  visit_last: VisitLastTable;
  notice: NoticeTable;
  notice_recipient: NoticeRecipientTable;
  notice_household: NoticeHouseholdTable;
  broadcast_item: BroadcastItemTable;
  broadcast_audio: BroadcastAudioTable;
  resident_village: ResidentVillageTable;
  disclosure_setting: DisclosureSettingTable;
  disclosure: DisclosureTable;
  disclosure_version: DisclosureVersionTable;
  disclosure_file: DisclosureFileTable;
  comment: CommentTable;
  procedure: ProcedureTable;
  project: ProjectTable;
  project_version: ProjectVersionTable;
  project_milestone: ProjectMilestoneTable;
  project_file: ProjectFileTable;
  project_acceptance: ProjectAcceptanceTable;
  close_out: CloseOutTable;
  close_out_area: CloseOutAreaTable;
  close_out_carry_over: CloseOutCarryOverTable;
  close_out_correction: CloseOutCorrectionTable;
  close_out_grid: CloseOutGridTable;
  resident_link: ResidentLinkTable;
  resident_link_attempt: ResidentLinkAttemptTable;
  subsidy_program: SubsidyProgramTable;
  subsidy_batch: SubsidyBatchTable;
  subsidy_payment: SubsidyPaymentTable;
  risk_rule: RiskRuleTable;
  alert: AlertTable;
  alert_record: AlertRecordTable;
  alert_task: AlertTaskTable;
  report: ReportTable;
  report_judgement: ReportJudgementTable;
  playbook: PlaybookTable;
  sensitive_date: SensitiveDateTable;
  job_lease: JobLeaseTable;
}
