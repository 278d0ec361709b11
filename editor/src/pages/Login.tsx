import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { ApiError } from '../lib/api';
import { useSession } from '../lib/session';

/** Shown in place of any page while nobody is signed in; the URL stays, so sign-in returns to the same page. */
export function LoginPage() {
  const { login, expired, lastEmail } = useSession();
  const [email, setEmail] = useState(lastEmail);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await login(email, password);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Sign-in failed');
    } finally {
      setBusy(false);
    }
  };
  return (
    <Center mih="100vh" bg="gray.0" p="md">
      <Paper component="form" onSubmit={(e: FormEvent) => void submit(e)} withBorder shadow="sm" radius="lg" p="xl" w={380}>
        <Stack gap="md">
          <div className="brand brand-large"><span className="brand-mark">L</span> Leadflow</div>
          <Text c="dimmed" size="sm">Sign in to work your leads, design pipelines and rules.</Text>
          {expired && <Alert color="yellow" variant="light" role="status">Your session expired — sign in again.</Alert>}
          <TextInput label="E-mail" name="email" type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.currentTarget.value)} required />
          <PasswordInput label="Password" name="password" autoComplete="current-password" visibilityToggleButtonProps={{ 'aria-label': 'Show or hide what you typed' }} value={password} onChange={(e) => setPassword(e.currentTarget.value)} required />
          {error && <Alert color="red" variant="light" role="alert">{error}</Alert>}
          <Button type="submit" loading={busy} fullWidth>Sign in</Button>
        </Stack>
      </Paper>
    </Center>
  );
}
