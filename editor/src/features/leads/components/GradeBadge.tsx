import { Badge } from '@mantine/core';

const colors: Record<string, string> = { A: 'green', B: 'yellow', C: 'gray' };

export function GradeBadge({ grade }: { grade: string | null | undefined }) {
  if (!grade) return null;
  return <Badge variant="filled" color={colors[grade] ?? 'gray'} size="sm" radius="sm" aria-label={`grade ${grade}`}>{grade}</Badge>;
}
