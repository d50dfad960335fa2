/**
 * An emergency alert as the rest of Townhall sees it: the OASIS CAP 1.2 message an officer
 * drafts and a second officer approves. Authoring and CAP output live in `alerts.ts` and
 * `cap.ts`; subscriptions and the fan-out to them in `subscriptions.ts` and `fan-out.ts`.
 */
import type { Area } from '../places/geometry.js';

export const msgTypes = ['Alert', 'Update', 'Cancel'] as const;
export type MsgType = (typeof msgTypes)[number];
/** Only `Actual` reaches the public; Exercise, System, Test and Draft never do. */
export const alertStatuses = ['Actual', 'Exercise', 'System', 'Test', 'Draft'] as const;
export type AlertStatus = (typeof alertStatuses)[number];
export const scopes = ['Public', 'Restricted', 'Private'] as const;
export type Scope = (typeof scopes)[number];
export const categories = ['Geo', 'Met', 'Safety', 'Security', 'Rescue', 'Fire', 'Health', 'Env', 'Transport', 'Infra', 'CBRNE', 'Other'] as const;
export type Category = (typeof categories)[number];
export const urgencies = ['Immediate', 'Expected', 'Future', 'Past', 'Unknown'] as const;
export const severities = ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown'] as const;
export const certainties = ['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown'] as const;
export type Urgency = (typeof urgencies)[number];
export type Severity = (typeof severities)[number];
export type Certainty = (typeof certainties)[number];

/** Where an alert is in its life at the council (not a CAP field). */
export type AlertStage = 'draft' | 'approved' | 'rejected';

/** One CAP `<info>` block: the alert's words in one language. */
export interface AlertInfo {
  /** The council's language code (`en`, `es`, `ar`); written to CAP as RFC 3066 (`en-US`...). */
  language: string;
  categories: Category[];
  event: string;
  urgency: Urgency;
  severity: Severity;
  certainty: Certainty;
  headline: string;
  description: string;
  instruction: string;
  web: string | null;
  contact: string | null;
}

export interface Alert {
  id: number;
  /** CAP `identifier`: unique, stable, given when the draft is made. */
  identifier: string;
  /** CAP `sender`: the council's sender id. */
  sender: string;
  msgType: MsgType;
  status: AlertStatus;
  scope: Scope;
  /** For Update and Cancel: the alert this one follows (its id here; CAP `references` is built from it). */
  referencesId: number | null;
  /** CAP `<areaDesc>`: the area in words. */
  areaDescription: string;
  area: Area;
  /** UTC ISO times; CAP output writes them with the council's offset. */
  onset: string | null;
  expires: string;
  /** CAP `sent`: the approval time (null while a draft). */
  sent: string | null;
  stage: AlertStage;
  draftedBy: number;
  approvedBy: number | null;
  infos: AlertInfo[];
  createdAt: string;
}
