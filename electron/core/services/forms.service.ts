import type { FormVersion, ParsedInput } from '../../../shared/contract/api';
import { canonicalJson } from '../../../shared/domain/consent/canonical';
import type { FormRecord } from '../db/repos/forms.repo';
import { sha256Hex } from '../hash';
import { appendAudit, iso, isoOrNull, type ServiceContext } from './context';
import { getSettings } from './settings.service';
import { resolveActor } from './staff.service';

const toForm = (f: FormRecord): FormVersion => ({ ...f, createdAt: iso(f.createdAt), firstUsedAt: isoOrNull(f.firstUsedAt) });

/** All wording versions, newest version of each form first. */
export function listForms(ctx: ServiceContext): FormVersion[] {
  return ctx.forms.list().map(toForm);
}

/** Create a new version of a form (or a new form): old versions are never changed. Short code `F<form>-<version>`. */
export function createForm(ctx: ServiceContext, input: ParsedInput<'forms.create'>): FormVersion {
  const settings = getSettings(ctx);
  const actor = resolveActor(ctx, input.staff);
  const businessIdentity = [settings.businessName, settings.businessAddress, settings.shopPhone].filter(Boolean).join(', ');
  return ctx.db.transaction(() => {
    const formKey = input.formKey ?? `form-${ctx.forms.nextVersion('\u0000').keyIndex}`;
    const { version, keyIndex } = ctx.forms.nextVersion(formKey);
    const content = {
      title: input.title,
      language: input.language,
      channels: [...new Set(input.channels)].sort(),
      purposes: [...new Set(input.purposes)].sort(),
      body: input.body,
      businessIdentity,
    };
    const f = ctx.forms.insert({
      code: `F${keyIndex}-${version}`,
      formKey,
      version,
      ...content,
      sha256: sha256Hex(canonicalJson(content)),
      createdAt: ctx.clock.now(),
      firstUsedAt: null,
    });
    appendAudit(ctx, actor, 'form.created', `form:${f.id}`, { code: f.code, sha256: f.sha256 });
    return toForm(f);
  })();
}
