import { AppError } from '../../../shared/contract/errors';
import type { ParsedInput, Staff } from '../../../shared/contract/api';
import { PLACEHOLDER_OWNER } from '../../../shared/contract/settings';
import type { StaffRecord } from '../db/repos/staff.repo';
import { appendAudit, iso, type ServiceContext } from '../context';

const toStaff = (s: StaffRecord): Staff => ({ id: s.id, name: s.name, role: s.role, active: s.active, createdAt: iso(s.createdAt) });

export { PLACEHOLDER_OWNER };

/** The name that records a change: a known active staff member, or the shop owner when none is named. */
export function resolveActor(ctx: ServiceContext, name: string | undefined): string {
  if (name === undefined || name === '') return ctx.staff.firstOwner()?.name ?? PLACEHOLDER_OWNER;
  const s = ctx.staff.byName(name);
  if (!s) throw new AppError('NOT_FOUND', 'staff.unknown', { name }, { fields: [{ path: 'staff', key: 'staff.unknownField' }] });
  if (!s.active)
    throw new AppError('VALIDATION_FAILED', 'staff.deactivated', { name: s.name }, { fields: [{ path: 'staff', key: 'staff.deactivatedField' }] });
  return s.name;
}

/** Make sure the register has an owner to record changes. */
export function ensureOwner(ctx: ServiceContext): void {
  if (ctx.staff.list().length > 0) return;
  ctx.db.transaction(() => {
    ctx.staff.insert({ name: PLACEHOLDER_OWNER, role: 'owner', active: true, createdAt: ctx.clock.now() });
    appendAudit(ctx, 'system', 'staff.added', 'staff:Owner', { role: 'owner' });
  })();
}

/** All staff, active first. */
export function listStaff(ctx: ServiceContext): Staff[] {
  return ctx.staff.list().map(toStaff);
}

/** Add a staff member; names are unique regardless of case. */
export function addStaff(ctx: ServiceContext, input: ParsedInput<'staff.add'>): Staff {
  if (ctx.staff.byName(input.name))
    throw new AppError('CONFLICT', 'staff.exists', { name: input.name }, { fields: [{ path: 'name', key: 'staff.existsField' }] });
  return ctx.db.transaction(() => {
    const s = ctx.staff.insert({ name: input.name, role: input.role, active: true, createdAt: ctx.clock.now() });
    appendAudit(ctx, resolveActor(ctx, undefined), 'staff.added', `staff:${s.id}`, { name: s.name, role: s.role });
    return toStaff(s);
  })();
}

/** Deactivate or reactivate a staff member; the last active owner stays. */
export function setStaffActive(ctx: ServiceContext, input: ParsedInput<'staff.setActive'>): Staff {
  const s = ctx.staff.get(input.id);
  if (!s) throw new AppError('NOT_FOUND', 'staff.notFound', { id: input.id });
  if (!input.active && s.role === 'owner' && ctx.staff.list().filter((x) => x.role === 'owner' && x.active).length <= 1) {
    throw new AppError('CONFLICT', 'staff.lastOwner');
  }
  return ctx.db.transaction(() => {
    ctx.staff.setActive(s.id, input.active);
    appendAudit(ctx, resolveActor(ctx, undefined), input.active ? 'staff.activated' : 'staff.deactivated', `staff:${s.id}`, {});
    return toStaff({ ...s, active: input.active });
  })();
}
