import type { PipelineDocument } from './schema';

const col = (i: number) => i * 260;

/**
 * The shipped pipeline: capture → score → route → (hot or not) → qualification with SLA reminders → rep's decision →
 * nurturing loop / offer stage with follow-up timers → won (order) or lost (reason).
 */
export const defaultPipeline: PipelineDocument = {
  id: 'default',
  name: 'Default sales pipeline',
  description: 'Qualification, nurturing, offer and close, with SLA reminders and offer follow-ups.',
  nodes: [
    { id: 'capture', type: 'trigger', label: 'Lead captured', config: { sources: [] }, position: { x: col(0), y: 200 } },
    { id: 'score', type: 'score', label: 'Score', config: { ruleSetId: 'scoring-default' }, position: { x: col(1), y: 200 } },
    { id: 'route', type: 'route', label: 'Assign owner', config: { ruleSetId: 'routing-default' }, position: { x: col(2), y: 200 } },
    {
      id: 'hot', type: 'decision', label: 'Worth a call?',
      config: { branches: [{ id: 'call', label: 'Score ≥ 20 or asked for contact', when: { any: [{ fact: 'score', operator: 'greaterThanInclusive', value: 20 }, { fact: 'formSubmissions', operator: 'greaterThan', value: 1 }] } }] },
      position: { x: col(3), y: 200 },
    },
    { id: 'qualification', type: 'stage', label: 'Qualification', config: { name: 'qualification', reminderRuleSetId: 'reminder-default', status: 'open' }, position: { x: col(4), y: 100 } },
    { id: 'qualify', type: 'wait', label: 'Rep qualifies', config: { until: 'qualification' }, position: { x: col(5), y: 100 } },
    { id: 'nurturing', type: 'stage', label: 'Nurturing', config: { name: 'nurturing', status: 'nurturing' }, position: { x: col(4), y: 380 } },
    { id: 'nurture-mail', type: 'send_email', label: 'Nurture content', config: { template: 'nurture', to: 'lead' }, position: { x: col(5), y: 380 } },
    { id: 'nurture-wait', type: 'wait', label: 'Engaged?', config: { until: 'engagement', timeoutHours: 96, maxTimeouts: 6 }, position: { x: col(6), y: 380 } },
    { id: 'offer', type: 'stage', label: 'Offer', config: { name: 'offer', reminderRuleSetId: 'reminder-default', status: 'qualified' }, position: { x: col(6), y: 100 } },
    { id: 'close', type: 'wait', label: 'Offer outcome', config: { until: 'close' }, position: { x: col(7), y: 100 } },
    { id: 'won', type: 'end_won', label: 'Won', config: {}, position: { x: col(8), y: 40 } },
    { id: 'lost', type: 'end_lost', label: 'Lost', config: {}, position: { x: col(8), y: 240 } },
    { id: 'disqualified', type: 'end_lost', label: 'Disqualified', config: { reason: 'disqualified' }, position: { x: col(6), y: 240 } },
    { id: 'gone-quiet', type: 'end_lost', label: 'No response', config: { reason: 'no_response' }, position: { x: col(7), y: 480 } },
  ],
  edges: [
    { id: 'e1', source: 'capture', target: 'score' },
    { id: 'e2', source: 'score', target: 'route' },
    { id: 'e3', source: 'route', target: 'hot' },
    { id: 'e4', source: 'hot', target: 'qualification', branch: 'call' },
    { id: 'e5', source: 'hot', target: 'nurturing', branch: 'default' },
    { id: 'e6', source: 'qualification', target: 'qualify' },
    { id: 'e7', source: 'qualify', target: 'offer', branch: 'qualified' },
    { id: 'e8', source: 'qualify', target: 'nurturing', branch: 'nurture' },
    { id: 'e9', source: 'qualify', target: 'disqualified', branch: 'disqualified' },
    { id: 'e10', source: 'nurturing', target: 'nurture-mail' },
    { id: 'e11', source: 'nurture-mail', target: 'nurture-wait' },
    { id: 'e12', source: 'nurture-wait', target: 'qualification', branch: 'engaged' },
    { id: 'e13', source: 'nurture-wait', target: 'nurture-mail', branch: 'timeout' },
    { id: 'e14', source: 'nurture-wait', target: 'gone-quiet', branch: 'exhausted' },
    { id: 'e15', source: 'offer', target: 'close' },
    { id: 'e16', source: 'close', target: 'won', branch: 'won' },
    { id: 'e17', source: 'close', target: 'lost', branch: 'lost' },
  ],
};
