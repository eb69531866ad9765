import type { FieldError } from '../../platform/errors.ts';
import { Button, ErrorSummary, Form, Page, SelectField, TextField, type PageContext } from '../../ui/index.ts';
import { CATEGORIES, FORMATS, LICENCES, UPDATE_FREQUENCIES, UPLOAD_FORMATS } from '../catalogue.ts';
import { openDataMessages } from '../messages.ts';
import type { DatasetRow, ResourceRow } from '../store.ts';
import { Checkbox, FileField, UploadForm } from './fields.tsx';
import { TextAreaField } from '../../ui/index.ts';
import { categoryTitle, formatSize } from './format.ts';
import { IngestStatus, UploadedNotice, UploadProgress, UploadProgressScript } from './upload-progress.tsx';

export function ConsoleDatasetsPage(props: { ctx: PageContext; datasets: DatasetRow[] }) {
  const t = openDataMessages(props.ctx.locale);
  const locale = props.ctx.locale;
  return (
    <Page ctx={props.ctx} title={t('console.title')} area="console">
      <h1>{t('console.title')}</h1>
      <p><a href="/console/opendata/new">{t('console.new')}</a></p>
      {props.datasets.length === 0 ? <p>{t('console.none')}</p> : (
        <ul>
          {props.datasets.map((d) => (
            <li><a href={`/console/opendata/${d.id}`}>{locale === 'en' ? d.title_en : locale === 'zh-HK' ? d.title_zh_hk : d.title_zh_cn}</a> <span class="hint">({d.name}, {categoryTitle(d.category, locale)})</span></li>
          ))}
        </ul>
      )}
    </Page>
  );
}

export type DatasetFormValues = Record<string, string | undefined>;

export function valuesOf(d: DatasetRow): DatasetFormValues {
  return {
    name: d.name, titleEn: d.title_en, titleZhHk: d.title_zh_hk, titleZhCn: d.title_zh_cn, notesEn: d.notes_en, notesZhHk: d.notes_zh_hk, notesZhCn: d.notes_zh_cn,
    category: d.category, tags: d.tags.join(', '), licence: d.licence, contactEmail: d.contact_email, updateFrequency: d.update_frequency,
    dataDictionaryUrl: d.data_dictionary_url, spatial: d.spatial ? 'yes' : undefined,
  };
}

function DatasetFields(props: { ctx: PageContext; values: DatasetFormValues; errors: FieldError[]; withName: boolean }) {
  const t = openDataMessages(props.ctx.locale);
  const v = props.values;
  const e = props.errors;
  return (
    <>
      {props.withName ? <TextField name="name" label={t('form.name')} hint={t('form.nameHint')} value={v.name} errors={e} /> : null}
      <TextField name="titleEn" label={t('form.titleEn')} value={v.titleEn} errors={e} />
      <TextField name="titleZhHk" label={t('form.titleZhHk')} value={v.titleZhHk} errors={e} />
      <TextField name="titleZhCn" label={t('form.titleZhCn')} value={v.titleZhCn} errors={e} />
      <TextAreaField name="notesEn" label={t('form.notesEn')} value={v.notesEn} errors={e} />
      <TextAreaField name="notesZhHk" label={t('form.notesZhHk')} value={v.notesZhHk} errors={e} />
      <TextAreaField name="notesZhCn" label={t('form.notesZhCn')} value={v.notesZhCn} errors={e} />
      <SelectField name="category" label={t('form.category')} value={v.category} options={CATEGORIES.map((c) => ({ value: c.id, label: categoryTitle(c.id, props.ctx.locale) }))} />
      <TextField name="tags" label={t('form.tags')} value={v.tags} errors={e} />
      <SelectField name="licence" label={t('form.licence')} value={v.licence} options={LICENCES.map((l) => ({ value: l.id, label: l.title }))} />
      <TextField name="contactEmail" type="email" label={t('form.contact')} value={v.contactEmail} errors={e} />
      <SelectField name="updateFrequency" label={t('form.frequency')} value={v.updateFrequency} options={UPDATE_FREQUENCIES.map((f) => ({ value: f, label: t(`frequency.${f}`) }))} />
      <TextField name="dataDictionaryUrl" type="url" label={t('form.dictionary')} value={v.dataDictionaryUrl} errors={e} />
      <Checkbox name="spatial" label={t('form.spatial')} checked={v.spatial === 'yes'} />
    </>
  );
}

export function NewDatasetPage(props: { ctx: PageContext; values: DatasetFormValues; errors: FieldError[] }) {
  const t = openDataMessages(props.ctx.locale);
  return (
    <Page ctx={props.ctx} title={t('console.new')} area="console">
      <ErrorSummary ctx={props.ctx} errors={props.errors} />
      <h1>{t('console.new')}</h1>
      <Form ctx={props.ctx} action="/console/opendata">
        <DatasetFields ctx={props.ctx} values={props.values} errors={props.errors} withName />
        <Button>{t('form.save')}</Button>
      </Form>
    </Page>
  );
}

export function EditDatasetPage(props: { ctx: PageContext; dataset: DatasetRow; resources: ResourceRow[]; values: DatasetFormValues; errors: FieldError[]; uploaded?: ResourceRow | undefined }) {
  const t = openDataMessages(props.ctx.locale);
  const { dataset, errors } = props;
  return (
    <Page ctx={props.ctx} title={t('console.edit')} area="console">
      <ErrorSummary ctx={props.ctx} errors={errors} />
      {props.uploaded ? <UploadedNotice ctx={props.ctx} resource={props.uploaded} /> : null}
      <h1>{t('console.edit')}: {dataset.name}</h1>
      <p><a href={`/opendata/datasets/${dataset.name}`}>{t('console.view')}</a></p>
      <Form ctx={props.ctx} action={`/console/opendata/${dataset.id}`}>
        <DatasetFields ctx={props.ctx} values={props.values} errors={errors} withName={false} />
        <Button>{t('form.save')}</Button>
      </Form>
      <h2>{t('dataset.resources')}</h2>
      <ul>
        {props.resources.map((r) => (
          <li>
            {r.name_en} ({r.format}{r.size !== null ? `, ${formatSize(r.size)}` : ''}) <IngestStatus ctx={props.ctx} resource={r} />
            {r.file_key ? (
              <UploadForm ctx={props.ctx} action={`/console/opendata/resources/${r.id}/file`}>
                <FileField name="file" idSuffix={`-${r.id}`} label={`${t('form.replace')}: ${r.name_en}`} hint={t('form.replaceHint')} />
                <UploadProgress ctx={props.ctx} id={r.id} />
                <Button variant="secondary">{t('form.replace')}</Button>
              </UploadForm>
            ) : null}
          </li>
        ))}
      </ul>
      <h2>{t('form.uploadTitle')}</h2>
      <UploadForm ctx={props.ctx} action={`/console/opendata/${dataset.id}/uploads`}>
        <TextField name="nameEn" label={t('form.resourceNameEn')} errors={errors} />
        <TextField name="nameZhHk" label={t('form.resourceNameZhHk')} errors={errors} />
        <SelectField name="format" label={t('form.format')} options={UPLOAD_FORMATS.map((f) => ({ value: f, label: f }))} />
        <FileField name="file" label={t('form.file')} hint={t('form.fileHint')} errors={errors} />
        <UploadProgress ctx={props.ctx} id="new" />
        <Button>{t('form.upload')}</Button>
      </UploadForm>
      <h2>{t('form.linkTitle')}</h2>
      <Form ctx={props.ctx} action={`/console/opendata/${dataset.id}/links`}>
        <TextField name="linkNameEn" label={t('form.resourceNameEn')} errors={errors} />
        <TextField name="linkNameZhHk" label={t('form.resourceNameZhHk')} errors={errors} />
        <SelectField name="linkFormat" label={t('form.format')} options={Object.keys(FORMATS).map((f) => ({ value: f, label: f }))} />
        <TextField name="url" type="url" label={t('form.url')} errors={errors} />
        <Button>{t('form.addLink')}</Button>
      </Form>
      <UploadProgressScript ctx={props.ctx} />
    </Page>
  );
}
