import { notifications } from '@mantine/notifications';
import { schemaResolver, type UseFormReturnType } from '@mantine/form';
import { ApiError } from '../../../../lib/api';
import { useLeadAction } from '../../api/mutations';

/**
 * Sends one lead action: the body is checked with the shared zod schema first (errors on the fields), then the
 * server's field errors land on the same fields and a refusal (409) is kept in `refusal` to show in place.
 */
export function useActionSubmit<V extends Record<string, unknown>, B>(opts: {
  leadId: string; path: string; form: UseFormReturnType<V>; schema: Parameters<typeof schemaResolver>[0]; toBody(values: V): B; success: string; onDone(): void;
}) {
  const mutation = useLeadAction<B>(opts.leadId, opts.path);
  const validate = schemaResolver(opts.schema, { sync: true });
  const submit = (values: V) => {
    const body = opts.toBody(values);
    const errors = validate(body);
    if (Object.keys(errors).length) {
      opts.form.setErrors(errors);
      return;
    }
    mutation.mutate(body, {
      onSuccess: () => {
        notifications.show({ color: 'green', title: 'Done', message: opts.success });
        opts.onDone();
      },
      onError: (err) => {
        if (err instanceof ApiError && Object.keys(err.fieldErrors).length) opts.form.setErrors(err.fieldErrors);
      },
    });
  };
  const err = mutation.error;
  const fieldOnly = err instanceof ApiError && Object.keys(err.fieldErrors).length > 0 && err.status !== 409;
  return { submit, pending: mutation.isPending, refusal: err && !fieldOnly ? err.message : undefined, reset: mutation.reset };
}
