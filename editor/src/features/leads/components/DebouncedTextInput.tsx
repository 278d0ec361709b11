import { TextInput, type TextInputProps } from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { useEffect, useState } from 'react';

/** A text filter that reports its value after typing pauses (and at once on Enter), following outside changes. */
export function DebouncedTextInput({ value, onCommit, ...props }: Omit<TextInputProps, 'value' | 'onChange'> & { value: string; onCommit(v: string): void }) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  const commit = useDebouncedCallback((v: string) => { if (v.trim() !== value) onCommit(v.trim()); }, 400);
  return (
    <TextInput
      {...props}
      value={text}
      onChange={(e) => { setText(e.currentTarget.value); commit(e.currentTarget.value); }}
      onKeyDown={(e) => { if (e.key === 'Enter') { commit.cancel(); if (text.trim() !== value) onCommit(text.trim()); } }}
    />
  );
}
