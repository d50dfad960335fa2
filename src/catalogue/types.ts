/** The Open311 attribute datatypes, exactly as GeoReport v2 names them. */
export const attributeDatatypes = ['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist'] as const;
export type AttributeDatatype = (typeof attributeDatatypes)[number];

export const serviceTypes = ['realtime', 'batch', 'blackbox'] as const;
export type ServiceType = (typeof serviceTypes)[number];

export interface AttributeValue {
  key: string;
  name: string;
}

/**
 * Content in the council's other languages, keyed by language code ("es", "ar"). Each holds only
 * the fields translated so far; a field left out (or blank) falls back to the default language.
 */
export type Translations<T> = Record<string, T>;

export interface ServiceTranslation {
  name?: string;
  description?: string;
  keywords?: string[];
  serviceNotice?: string;
  agencyResponsible?: string;
}

export interface AttributeTranslation {
  description?: string;
  helpText?: string;
  /** Answer option names by option key. */
  values?: Record<string, string>;
}

export interface GroupTranslation {
  name?: string;
}

/** A question a service asks the reporter (an Open311 "attribute"). */
export interface ServiceAttribute {
  code: string;
  datatype: AttributeDatatype;
  /** false for an informational attribute that only shows text and takes no answer. */
  variable: boolean;
  /**
   * A question staff answer on the case page: residents never see or answer it, and no public
   * reader (the portal, Open311, the track page) shows it or its answer.
   */
  staffOnly: boolean;
  required: boolean;
  order: number;
  /** The question shown to the reporter (Open311 "description"). */
  description: string;
  /** Help text (Open311 "datatype_description"). */
  helpText: string | null;
  /** Allowed values for the list datatypes, empty otherwise. */
  values: AttributeValue[];
  /** Absent: none known (a question being edited keeps the ones it has). */
  translations?: Translations<AttributeTranslation>;
}

export interface ServiceGroup {
  code: string;
  name: string;
  translations?: Translations<GroupTranslation>;
}

export interface Service {
  code: string;
  name: string;
  description: string;
  groupCode: string;
  groupName: string;
  keywords: string[];
  type: ServiceType;
  active: boolean;
  /** Which department or agency deals with it (Open311 agency_responsible). */
  agencyResponsible: string | null;
  /** Shown to reporters after they submit, e.g. typical response time (Open311 service_notice). */
  serviceNotice: string | null;
  /** Working days the council usually takes to resolve it; drives the expected date. */
  expectedDays: number | null;
  /** Days after a request closes that its reporter's contact details are kept; null: until erased. */
  retentionDays: number | null;
  /** Why the law requires keeping reporters' details even when they ask for erasure; null: no such duty. */
  erasureExemption: string | null;
  /** Code of the department whose staff work these cases (record-level access); null: none yet. */
  department: string | null;
  attributes: ServiceAttribute[];
  translations?: Translations<ServiceTranslation>;
  groupTranslations?: Translations<GroupTranslation>;
}

/** What it takes to define a service (used by the demo seed and, later, the admin UI). */
export type ServiceInput = Omit<Service, 'groupName' | 'attributes' | 'active' | 'retentionDays' | 'erasureExemption' | 'department'> & {
  active?: boolean;
  department?: string | null;
  erasureExemption?: string | null;
  /** Default 365 days. */
  retentionDays?: number | null;
  attributes: Array<Omit<ServiceAttribute, 'helpText' | 'values' | 'variable' | 'staffOnly'> & {
    helpText?: string | null;
    values?: AttributeValue[];
    variable?: boolean;
    staffOnly?: boolean;
  }>;
};

/** The questions residents are asked (and may answer): every one but the staff-only ones. */
export const residentAttributes = (service: Pick<Service, 'attributes'>): ServiceAttribute[] => service.attributes.filter((a) => !a.staffOnly);

/** The service as residents and public clients see it: its staff-only questions left out. */
export const forResidents = <T extends Pick<Service, 'attributes'>>(service: T): T => ({ ...service, attributes: residentAttributes(service) });

/** The questions staff answer on the case page. */
export const staffAttributes = (service: Pick<Service, 'attributes'>): ServiceAttribute[] => service.attributes.filter((a) => a.staffOnly).sort((a, b) => a.order - b.order);
