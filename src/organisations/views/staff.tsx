import type { FieldError } from '../../platform/errors.ts';
import { STAFF_ROLES, type StaffRole } from '../../platform/context.ts';
import { Button, ErrorSummary, Form, Page, TextField, type PageContext } from '../../ui/index.ts';
import type { Organisation } from '../organisation.ts';
import type { Staff } from '../staff.ts';
import { organisationMessages } from '../messages.ts';

function RoleChoices(props: { ctx: PageContext; name: string; idPrefix: string; chosen: StaffRole[]; grantable: StaffRole[] }) {
  const t = organisationMessages(props.ctx.locale);
  return (
    <>
      {STAFF_ROLES.filter((r) => props.grantable.includes(r) || props.chosen.includes(r)).map((role) => (
        <div class="choice">
          <input id={`${props.idPrefix}-${role}`} type="checkbox" name={props.name} value={role} checked={props.chosen.includes(role)} disabled={!props.grantable.includes(role)} />
          <label for={`${props.idPrefix}-${role}`}>{t(`role.${role}`)}</label>
        </div>
      ))}
    </>
  );
}

export interface NewStaffValues { email?: string; displayName?: string; roles?: StaffRole[] }

/** An organisation's staff, their roles (editable by its admins), and a form to add someone. */
export function StaffPage(props: { ctx: PageContext; organisation: Organisation; staff: Staff[]; grantable: StaffRole[]; values: NewStaffValues; errors: FieldError[]; saved?: boolean }) {
  const { ctx, organisation } = props;
  const t = organisationMessages(ctx.locale);
  const name = organisation.name[ctx.locale];
  return (
    <Page ctx={ctx} title={t('staff.title', { organisation: name })} area="console">
      <ErrorSummary ctx={ctx} errors={props.errors} />
      {props.saved ? <p role="status" class="panel">{t('staff.saved')}</p> : null}
      <h1>{t('staff.title', { organisation: name })}</h1>
      <div class="table-wrap">
        <table>
          <thead><tr><th scope="col">{t('staff.name')}</th><th scope="col">{t('staff.email')}</th><th scope="col">{t('staff.roles')}</th></tr></thead>
          <tbody>
            {props.staff.map((s) => (
              <tr>
                <td>{s.displayName}</td>
                <td>{s.email}</td>
                <td>
                  <Form ctx={ctx} action={`/console/staff/${s.id}/roles`}>
                    <fieldset><legend class="visually-hidden">{t('staff.roles')}: {s.displayName}</legend>
                      <RoleChoices ctx={ctx} name="roles" idPrefix={`roles-${s.id}`} chosen={s.roles} grantable={props.grantable} />
                    </fieldset>
                    <Button variant="secondary">{t('staff.saveRoles')}<span class="visually-hidden"> {s.displayName}</span></Button>
                  </Form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>{t('staff.add')}</h2>
      <Form ctx={ctx} action={`/console/organisations/${organisation.code}/staff`}>
        <TextField name="displayName" label={t('staff.displayName')} value={props.values.displayName} errors={props.errors} />
        <TextField name="email" type="email" label={t('staff.email')} value={props.values.email} autocomplete="off" errors={props.errors} />
        <TextField name="password" type="password" label={t('staff.password')} hint={t('staff.passwordHint')} autocomplete="new-password" errors={props.errors} />
        <fieldset id="field-roles"><legend>{t('staff.roles')}</legend>
          <RoleChoices ctx={ctx} name="roles" idPrefix="new-role" chosen={props.values.roles ?? ['officer']} grantable={props.grantable} />
        </fieldset>
        <Button>{t('staff.save')}</Button>
      </Form>
    </Page>
  );
}
