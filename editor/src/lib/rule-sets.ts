import { useEffect, useState } from 'react';
import type { RuleSetKind } from '../../../rules/schema';
import { api, itemsOf } from './api';

export interface RuleSetRow { id: string; name: string; kind: RuleSetKind; latestVersion?: number | null; version?: number | null }

let cache: Promise<RuleSetRow[]> | undefined;

/** Rule sets for selects (cached per page load; `refreshRuleSets()` after a publish). */
export function loadRuleSets(): Promise<RuleSetRow[]> {
  cache ??= api<unknown>('/api/rule-sets').then((b) => itemsOf<RuleSetRow>(b)).catch(() => []);
  return cache;
}
export function refreshRuleSets() {
  cache = undefined;
}

export function useRuleSets(): RuleSetRow[] | undefined {
  const [rows, setRows] = useState<RuleSetRow[]>();
  useEffect(() => {
    let live = true;
    void loadRuleSets().then((r) => live && setRows(r));
    return () => {
      live = false;
    };
  }, []);
  return rows;
}
