import type { ColumnMapping, ImportField } from './schemas';

/** Header spellings seen in exported lists (English, German, French, Spanish), compared without case, spaces and punctuation. */
const synonyms: Record<ImportField, string[]> = {
  name: ['name', 'fullname', 'contact', 'contactname', 'person', 'ansprechpartner', 'nom', 'nombre', 'leadname'],
  firstName: ['firstname', 'first', 'givenname', 'vorname', 'prenom', 'forename'],
  lastName: ['lastname', 'last', 'surname', 'familyname', 'nachname', 'nomdefamille', 'apellido'],
  email: ['email', 'mail', 'emailaddress', 'mailaddress', 'emailadresse', 'courriel', 'correo', 'workemail'],
  phone: ['phone', 'telephone', 'tel', 'phonenumber', 'mobile', 'cell', 'telefon', 'telefonnummer', 'handy', 'mobil', 'telefono'],
  company: ['company', 'companyname', 'organisation', 'organization', 'account', 'firma', 'unternehmen', 'societe', 'empresa', 'employer'],
  country: ['country', 'countrycode', 'land', 'pays', 'pais'],
  productInterest: ['productinterest', 'interest', 'product', 'produkt', 'interesse'],
  message: ['message', 'notes', 'note', 'comment', 'comments', 'nachricht', 'bemerkung', 'kommentar'],
  jobTitle: ['jobtitle', 'title', 'position', 'role', 'funktion', 'poste', 'cargo'],
  companySize: ['companysize', 'employees', 'size', 'headcount', 'mitarbeiter', 'numberofemployees'],
  industry: ['industry', 'sector', 'branche', 'secteur', 'industria'],
};

const squash = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * Guesses the lead field of each column from its header; each field is taken by the first column that names it.
 * @example suggestMapping(['Vorname', 'Nachname', 'E-Mail', 'Firma']) // { Vorname: 'firstName', Nachname: 'lastName', 'E-Mail': 'email', Firma: 'company' }
 */
export function suggestMapping(headers: readonly string[]): ColumnMapping {
  const out: Record<string, ImportField> = {};
  const taken = new Set<ImportField>();
  for (const h of headers) {
    const key = squash(h);
    if (!key || out[h]) continue;
    const field = (Object.keys(synonyms) as ImportField[]).find((f) => !taken.has(f) && synonyms[f].includes(key));
    if (field) {
      out[h] = field;
      taken.add(field);
    }
  }
  // A full name column wins over first/last; first/last without a name column are joined.
  if (taken.has('name')) for (const [h, f] of Object.entries(out)) if (f === 'firstName' || f === 'lastName') delete out[h];
  return out;
}

/**
 * Applies a saved mapping to this file's headers: only the headers the file has; a saved mapping is keyed by header.
 */
export function applySavedMapping(saved: Record<string, ImportField>, headers: readonly string[]): Record<string, ImportField> {
  const out: Record<string, ImportField> = {};
  const byKey = new Map(Object.entries(saved).map(([h, f]) => [squash(h), f] as const));
  for (const h of headers) {
    const f = saved[h] ?? byKey.get(squash(h));
    if (f && !Object.values(out).includes(f)) out[h] = f;
  }
  return out;
}
