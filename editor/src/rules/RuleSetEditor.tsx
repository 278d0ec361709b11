import { ActionIcon, Alert, Anchor, Badge, Button, Card, Group, Loader, NumberInput, Paper, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { IconChevronDown, IconChevronRight, IconPlus, IconSearch } from '@tabler/icons-react';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { factCatalogView } from '../../../rules/catalog-view';
import { validateRuleSet } from '../../../rules/validate';
import { clearDraft, defaultEvent, loadDraft, pathString, storeDraft } from '../../model';
import { api, ApiError, type ApiProblem } from '../lib/api';
import { refreshRuleSets } from '../lib/rule-sets';
import { useSession } from '../lib/session';
import { ConditionTree, newLeaf } from './ConditionTree';
import { DecisionTable } from './DecisionTable';
import { KindBadge } from './KindBadge';
import { OutcomeEditor } from './OutcomeEditor';
import { PublishDialog } from './PublishDialog';
import { RuleSetVersions } from './RuleSetVersions';
import { SimulatePanel } from './SimulatePanel';
import type { EditableRule, EditableRuleSet, FactCatalog } from './types';
import { conditionWords } from './words';
import type { Condition } from '../../../rules/schema';

interface Detail { id: string; name: string; kind: EditableRuleSet['kind']; draft: EditableRuleSet; versions: { version: number; note: string; publishedAt: string }[] }
const storage = () => window.localStorage;
const statusColor: Record<string, string> = { error: 'red', saved: 'green', published: 'green', local: 'orange', busy: 'dimmed', idle: 'dimmed' };

/** Rule builder for one rule set: tree of conditions per rule, outcome per kind, JSON view, simulate / backtest. */
export function RuleSetEditor({ ruleSetId }: { ruleSetId: string }) {
  const { user } = useSession();
  const canEdit = user?.role === 'ops' || user?.role === 'admin';
  const base = `/api/rule-sets/${encodeURIComponent(ruleSetId)}`;
  const [detail, setDetail] = useState<Detail>();
  const [doc, setDoc] = useState<EditableRuleSet>();
  const [catalog, setCatalog] = useState<FactCatalog>();
  const [serverProblems, setServerProblems] = useState<ApiProblem[]>([]);
  const [status, setStatus] = useState<{ kind: string; text: string }>({ kind: 'idle', text: '' });
  // `?simulateLead=<leadId>` (from a lead's timeline) opens the simulator with that lead.
  const [params] = useSearchParams();
  const simulateLead = params.get('simulateLead') ?? undefined;
  const [tab, setTab] = useState<'rules' | 'table' | 'versions' | 'json' | 'simulate'>(simulateLead ? 'simulate' : params.get('view') === 'table' ? 'table' : 'rules');
  const [search, setSearch] = useState('');
  // Cards are open or closed per rule; with many rules they start closed so the page stays short.
  const [open, setOpen] = useState<Record<number, boolean>>({});
  const [publishing, setPublishing] = useState(false);
  const qc = useQueryClient();
  const [dirty, setDirty] = useState(false);
  const [loadError, setLoadError] = useState<string>();

  const load = useCallback(async () => {
    try {
      const d = await api<Detail>(base);
      setDetail(d);
      const local = loadDraft<EditableRuleSet>(storage(), 'ruleset', ruleSetId);
      setDoc(local?.doc ?? d.draft);
      setDirty(!!local);
      if (local) setStatus({ kind: 'local', text: 'Unsaved changes restored from this browser' });
      const cat = await api<FactCatalog>(`/api/facts?kind=${d.kind}`).catch(() => factCatalogView(d.kind) as unknown as FactCatalog);
      setCatalog(cat);
    } catch (err) {
      setLoadError(err instanceof ApiError ? err.message : String(err));
    }
  }, [base, ruleSetId]);
  useEffect(() => {
    void load();
  }, [load]);

  const update = (next: EditableRuleSet) => {
    setDoc(next);
    setDirty(true);
    storeDraft(storage(), 'ruleset', ruleSetId, next);
    setStatus({ kind: 'local', text: 'Unsaved changes (kept in this browser)' });
  };

  // Instant feedback from the same validation the API runs at save.
  const localProblems = useMemo(() => {
    if (!doc) return [];
    const r = validateRuleSet(doc);
    return r.ok ? [] : r.problems;
  }, [doc]);
  const problems = dirty ? localProblems : [...serverProblems, ...localProblems.filter((p) => !serverProblems.some((s) => s.path === p.path))];

  const save = async (): Promise<boolean> => {
    if (!doc) return false;
    setStatus({ kind: 'busy', text: 'Saving…' });
    try {
      const d = await api<Detail>(`${base}/draft`, { method: 'PUT', body: doc });
      clearDraft(storage(), 'ruleset', ruleSetId);
      setDetail(d);
      setDirty(false);
      setServerProblems([]);
      setStatus({ kind: 'saved', text: 'Draft saved' });
      return true;
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError(0, String(err));
      setServerProblems(e.problems);
      setDirty(false);
      setStatus({ kind: 'error', text: `Not saved: ${e.problems.length ? `${e.problems.length} problem(s) — see the highlighted fields` : e.message}. Your changes are kept in this browser.` });
      return false;
    }
  };
  /** Saves the draft, then asks for confirmation with the backtest of the saved draft (a first version has nothing to compare with). */
  const publish = async () => {
    if (!(await save())) return;
    if (detail?.versions.length) setPublishing(true);
    else await confirmPublish('').catch(() => undefined);
  };
  const confirmPublish = async (note: string) => {
    try {
      const r = await api<{ version: number }>(`${base}/publish`, { method: 'POST', body: { note } });
      refreshRuleSets();
      setPublishing(false);
      setStatus({ kind: 'published', text: `Published version ${r.version}` });
      setDetail(await api<Detail>(base));
      await qc.invalidateQueries({ queryKey: ['rule-sets', ruleSetId] });
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError(0, String(err));
      setServerProblems(e.problems);
      setStatus({ kind: 'error', text: `Publish refused: ${e.message}` });
      throw e;
    }
  };
  const reloadDetail = async () => {
    setDetail(await api<Detail>(base));
    setStatus({ kind: 'published', text: 'Rolled back: the earlier rules are live again as a new version' });
  };

  if (loadError) return <div className="page"><Alert color="red" title="The rule set could not be loaded">{loadError}</Alert></div>;
  if (!doc || !catalog || !detail) return <div className="page"><Loader size="sm" /></div>;

  const setRule = (i: number, rule: EditableRule) => update({ ...doc, rules: doc.rules.map((r, j) => (j === i ? rule : r)) });
  const addRule = () => update({ ...doc, rules: [...doc.rules, { name: `Rule ${doc.rules.length + 1}`, priority: 1, conditions: { all: [newLeaf(catalog)] }, event: defaultEvent(doc.kind) }] });
  const grades = ((doc.settings?.grades ?? { A: 60, B: 30 }) as { A: number; B: number });
  const setNum = (v: number | string) => (v === '' ? undefined : Number(v));
  const needle = search.trim().toLowerCase();
  const matches = (r: EditableRule) => !needle || r.name.toLowerCase().includes(needle) || conditionWords(r.conditions as Condition, catalog).toLowerCase().includes(needle);
  const problemRules = new Set(problems.map((p) => /^rules\[(\d+)\]/.exec(p.path)?.[1]).filter((x): x is string => !!x).map(Number));
  const isOpen = (i: number) => open[i] ?? (doc.rules.length <= 5 || problemRules.has(i));
  const setAllOpen = (v: boolean) => setOpen(Object.fromEntries(doc.rules.map((_, i) => [i, v])));
  const shown = doc.rules.filter(matches).length;
  const toolbar = (
    <Group gap="xs">
      <TextInput size="xs" w={260} leftSection={<IconSearch size={14} />} placeholder="Search rules by name or fact" aria-label="search rules" value={search} onChange={(e) => setSearch(e.currentTarget.value)} />
      {needle && <Text size="xs" c="dimmed">{shown} of {doc.rules.length} rules</Text>}
      {tab === 'rules' && <Button size="compact-xs" variant="subtle" onClick={() => setAllOpen(false)}>Collapse all</Button>}
      {tab === 'rules' && <Button size="compact-xs" variant="subtle" onClick={() => setAllOpen(true)}>Expand all</Button>}
    </Group>
  );
  const tabButton = (id: typeof tab, label: string) => (
    <Button variant={tab === id ? 'light' : 'subtle'} color={tab === id ? undefined : 'gray'} onClick={() => setTab(id)} aria-pressed={tab === id}>{label}</Button>
  );

  return (
    <div className="page page-wide">
      <Paper withBorder radius="md" px="md" py="xs" mb="md">
        <Group justify="space-between" wrap="nowrap" gap="md">
          <Group gap={8} wrap="nowrap" style={{ flexShrink: 0 }}>
            <Anchor component={Link} to="/rules" c="dimmed" size="sm">Rules</Anchor><Text c="dimmed">/</Text>
            <Title order={2} fz={18} style={{ whiteSpace: 'nowrap' }}>{doc.name}</Title>
            <KindBadge kind={doc.kind} />
            {detail.versions[0] ? <Badge color="green" variant="light">v{detail.versions[0].version} published</Badge> : <Badge color="gray" variant="light">unpublished</Badge>}
          </Group>
          <Text size="sm" c={statusColor[status.kind] ?? 'dimmed'} role="status" data-testid="rule-status" lineClamp={2} style={{ flex: 1, minWidth: 0 }} ta="right" title={status.text}>{status.text}</Text>
          <Group gap="xs" wrap="nowrap" style={{ flexShrink: 0 }}>
            <Button variant="default" disabled={!canEdit} loading={status.kind === 'busy'} onClick={() => void save()}>Save draft</Button>
            <Button disabled={!canEdit} onClick={() => void publish()}>Publish</Button>
          </Group>
        </Group>
      </Paper>
      <Group gap={4} mb="md">
        {tabButton('rules', `Rules (${doc.rules.length})`)}
        {doc.kind === 'scoring' && tabButton('table', 'Decision table')}
        {tabButton('versions', `Versions (${detail.versions.length})`)}
        {tabButton('json', 'JSON')}
        {tabButton('simulate', 'Simulate & backtest')}
        {problems.length > 0 && <Badge color="red" variant="light" ml="sm" data-testid="rule-problem-count">{problems.length} problem(s)</Badge>}
      </Group>
      {tab === 'rules' && (
        <Stack gap="md">
          {doc.kind === 'scoring' && (
            <Card withBorder radius="md" padding="sm">
              <Group gap="lg" align="flex-end">
                <Text fw={600} size="sm">Grades</Text>
                <NumberInput size="xs" w={110} label="A from (points)" value={grades.A} disabled={!canEdit} onChange={(v) => update({ ...doc, settings: { ...doc.settings, grades: { ...grades, A: Number(v) || 0 } } })} />
                <NumberInput size="xs" w={110} label="B from (points)" value={grades.B} disabled={!canEdit} onChange={(v) => update({ ...doc, settings: { ...doc.settings, grades: { ...grades, B: Number(v) || 0 } } })} />
                <NumberInput size="xs" w={110} label="Cap" placeholder="none" value={typeof doc.settings?.cap === 'number' ? doc.settings.cap : ''} disabled={!canEdit} onChange={(v) => update({ ...doc, settings: { ...doc.settings, cap: setNum(v) } })} />
              </Group>
            </Card>
          )}
          {problems.filter((p) => !/^rules\[/.test(p.path)).map((p) => <Alert key={p.path + p.message} color="red" py={6}>{p.path}: {p.message}</Alert>)}
          {toolbar}
          {doc.rules.map((rule, i) => {
            if (!matches(rule)) return null;
            const rp = ['rules', i];
            const nameProblems = problems.filter((p) => p.path === pathString([...rp, 'name']));
            const expanded = isOpen(i);
            const toggle = (
              <ActionIcon variant="subtle" color="gray" mt={expanded ? 6 : 0} aria-label={`${expanded ? 'collapse' : 'expand'} ${rule.name}`} aria-expanded={expanded}
                onClick={() => setOpen({ ...open, [i]: !expanded })}>
                {expanded ? <IconChevronDown size={16} /> : <IconChevronRight size={16} />}
              </ActionIcon>
            );
            if (!expanded) {
              const points = (rule.event.params as { points?: unknown }).points;
              return (
                <Card key={i} withBorder radius="md" padding={6} data-testid={`rule-${i}`} data-collapsed>
                  <Group gap="xs" wrap="nowrap">
                    {toggle}
                    <Text fw={600} size="sm" style={{ whiteSpace: 'nowrap', cursor: 'pointer' }} onClick={() => setOpen({ ...open, [i]: true })}>{rule.name}</Text>
                    <Text size="xs" c="dimmed" lineClamp={1} style={{ flex: 1, minWidth: 0 }}>{conditionWords(rule.conditions as Condition, catalog)}</Text>
                    {typeof points === 'number' && <Badge variant="light" size="sm">{points > 0 ? '+' : ''}{points} pts</Badge>}
                    {problemRules.has(i) && <Badge color="red" size="sm" variant="light">problem</Badge>}
                  </Group>
                </Card>
              );
            }
            return (
              <Card key={i} withBorder radius="md" padding="md" data-testid={`rule-${i}`}>
                <Group gap="sm" wrap="nowrap" align="flex-start">
                  {toggle}
                  <TextInput className="grow" variant="filled" styles={{ input: { fontWeight: 600 } }} aria-label="rule name" value={rule.name} disabled={!canEdit}
                    error={nameProblems.map((p) => p.message).join('; ') || undefined} onChange={(e) => setRule(i, { ...rule, name: e.currentTarget.value })} />
                  <NumberInput w={120} aria-label="priority" leftSection={<Text size="xs" c="dimmed">prio</Text>} leftSectionWidth={40} value={rule.priority ?? 1} disabled={!canEdit}
                    onChange={(v) => setRule(i, { ...rule, priority: Number(v) || 1 })} />
                  {canEdit && <Button variant="subtle" color="red" onClick={() => update({ ...doc, rules: doc.rules.filter((_, j) => j !== i) })}>Delete rule</Button>}
                </Group>
                <Text className="rule-section-label">When</Text>
                <ConditionTree root={rule.conditions} catalog={catalog} docPath={[...rp, 'conditions']} problems={problems} readOnly={!canEdit} onChange={(conditions) => setRule(i, { ...rule, conditions })} />
                <Text className="rule-section-label">Then</Text>
                <OutcomeEditor kind={doc.kind} event={rule.event} docPath={rp} problems={problems} readOnly={!canEdit} onChange={(event) => setRule(i, { ...rule, event })} />
              </Card>
            );
          })}
          {canEdit && <Button variant="light" leftSection={<IconPlus size={16} />} onClick={addRule} data-testid="add-rule" style={{ alignSelf: 'flex-start' }}>Add rule</Button>}
        </Stack>
      )}
      {tab === 'table' && (
        <Stack gap="sm">
          {toolbar}
          <DecisionTable doc={doc} catalog={catalog} readOnly={!canEdit} filter={matches} problemRules={problemRules} onChange={update}
            onOpenCard={(i) => { setOpen({ ...open, [i]: true }); setTab('rules'); }} />
          {canEdit && <Button variant="light" size="xs" leftSection={<IconPlus size={14} />} onClick={addRule} style={{ alignSelf: 'flex-start' }}>Add rule</Button>}
        </Stack>
      )}
      {tab === 'versions' && <RuleSetVersions ruleSetId={ruleSetId} catalog={catalog} canEdit={canEdit} onPublished={() => void reloadDetail()} />}
      <PublishDialog ruleSetId={ruleSetId} kind={doc.kind} nextVersion={(detail.versions[0]?.version ?? 0) + 1} opened={publishing} onClose={() => setPublishing(false)} onConfirm={confirmPublish} />
      {tab === 'json' && <JsonView doc={doc} readOnly={!canEdit} onChange={update} />}
      {tab === 'simulate' && <SimulatePanel ruleSetId={ruleSetId} kind={doc.kind} dirty={dirty} canBacktest={canEdit} initialLeadId={simulateLead} />}
    </div>
  );
}

/** The document as JSON; edits that parse flow back into the tree (and the tree's edits show here). */
function JsonView({ doc, readOnly, onChange }: { doc: EditableRuleSet; readOnly: boolean; onChange(d: EditableRuleSet): void }) {
  const [text, setText] = useState(() => JSON.stringify(doc, null, 2));
  const [error, setError] = useState<string>();
  return (
    <Card withBorder radius="md" padding="sm">
      <Textarea aria-label="rule set JSON" spellCheck={false} value={text} disabled={readOnly} autosize minRows={18} maxRows={40}
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 12, lineHeight: 1.5 } }} error={error ? `${error} — the tree keeps the last valid JSON` : undefined}
        onChange={(e) => {
          const value = e.currentTarget.value;
          setText(value);
          try {
            const parsed = JSON.parse(value) as EditableRuleSet;
            if (!parsed || typeof parsed !== 'object' || !Array.isArray(parsed.rules)) throw new Error('a rule set needs "rules": [...]');
            if (parsed.kind !== doc.kind) throw new Error('the kind of a rule set cannot change');
            setError(undefined);
            onChange(parsed);
          } catch (err) {
            setError((err as Error).message);
          }
        }} />
      {!error && <Text size="xs" c="dimmed" mt={6}>Edits here update the rule tree.</Text>}
    </Card>
  );
}
