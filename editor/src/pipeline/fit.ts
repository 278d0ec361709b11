import type { ReactFlowInstance } from '@xyflow/react';
import { readableViewport } from '../../model';

/** Shows the whole graph if it is readable that way, else its start at a readable zoom (the designer and live view). */
export function fitReadable(flow: Pick<ReactFlowInstance, 'getNodes' | 'getNodesBounds' | 'setViewport'>, el: HTMLElement | null): void {
  const nodes = flow.getNodes();
  if (!nodes.length || !el) return;
  const bounds = flow.getNodesBounds(nodes);
  void flow.setViewport(readableViewport(bounds, { width: el.clientWidth, height: el.clientHeight }));
}
