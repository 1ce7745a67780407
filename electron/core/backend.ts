import { createDispatcher, type Dispatch } from '../../shared/contract/dispatch';
import type { Handlers } from '../../shared/contract/api';
import { listPolicyPacks } from '../../shared/domain/policy/policy';
import { openDatabase, type Db } from './db/open';
import { randomIds, systemClock, type Clock, type Ids } from './clock';
import { createContext, type ServiceContext } from './services/context';
import { addContact, getContact, listContacts, updateContact } from './services/contacts.service';
import { consentStatus, rebuildProjection, recordConsent } from './services/consent.service';
import { getSettings, updateSettings } from './services/settings.service';
import { addStaff, ensureOwner, listStaff, setStaffActive } from './services/staff.service';
import { createForm, listForms } from './services/forms.service';
import { listAudit, verifyAudit } from './services/audit.service';
import { listComplaints, receiveInbound, recordComplaint } from './services/inbound.service';

/** What createBackend needs; everything but the path has a production default. */
export interface BackendOptions {
  dbPath: string;
  clock?: Clock;
  ids?: Ids;
  /** Validate outputs against the contract too (tests). */
  checkOutputs?: boolean;
  /** Where internal errors go; receives no input data, only the method and the error. */
  onInternalError?: (method: string, err: unknown) => void;
}

/** The running core: one dispatcher for every door. */
export interface Backend {
  dispatch: Dispatch;
  handlers: Handlers;
  ctx: ServiceContext;
  db: Db;
  close(): void;
}

/** The composition root: open the register, wire services to the contract. */
export function createBackend(options: BackendOptions): Backend {
  const db = openDatabase(options.dbPath);
  const ctx = createContext(db, options.clock ?? systemClock, options.ids ?? randomIds);
  ensureOwner(ctx);
  const handlers: Handlers = {
    'contacts.add': (i) => addContact(ctx, i),
    'contacts.update': (i) => updateContact(ctx, i),
    'contacts.list': (i) => listContacts(ctx, i),
    'contacts.get': (i) => getContact(ctx, i),
    'consent.record': (i) => recordConsent(ctx, i),
    'consent.status': (i) => consentStatus(ctx, i),
    'settings.get': () => getSettings(ctx),
    'settings.update': (i) => updateSettings(ctx, i),
    'policy.list': () => listPolicyPacks(),
    'staff.list': () => listStaff(ctx),
    'staff.add': (i) => addStaff(ctx, i),
    'staff.setActive': (i) => setStaffActive(ctx, i),
    'forms.list': () => listForms(ctx),
    'forms.create': (i) => createForm(ctx, i),
    'audit.verify': () => verifyAudit(ctx),
    'audit.list': (i) => listAudit(ctx, i),
    'register.rebuildProjection': () => rebuildProjection(ctx),
    'inbound.receive': (i) => receiveInbound(ctx, i),
    'complaints.record': (i) => recordComplaint(ctx, i),
    'complaints.list': (i) => listComplaints(ctx, i),
  };
  const dispatch = createDispatcher(handlers, {
    ...(options.checkOutputs !== undefined ? { checkOutputs: options.checkOutputs } : {}),
    onInternalError:
      options.onInternalError ??
      ((method, err) => console.error(`[optin] ${method} failed: ${err instanceof Error ? err.name + ': ' + err.message : 'unknown error'}`)),
  });
  return { dispatch, handlers, ctx, db, close: () => db.close() };
}
