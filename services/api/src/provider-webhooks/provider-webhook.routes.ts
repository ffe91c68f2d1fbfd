// POST /v1/provider/webhooks: where the provider reports that a video ended. No API key (the provider has
// none of ours): the Standard Webhooks signature is the authentication, so the route sits outside the /v1
// auth hook, and its body is kept as the exact text that was signed. HTTP only.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AuthenticationError } from '@sora-studio/shared';
import { ERROR_RESPONSES } from '../plugins/swagger.ts';
import type { ProviderWebhookService } from './provider-webhook.service.ts';

/** A thin event is a few hundred bytes; nothing a provider sends here needs more. */
const BODY_LIMIT_BYTES = 64 * 1024;

const ReceivedSchema = z.object({ received: z.literal(true) });

export const providerWebhookRoutes: FastifyPluginAsyncZod<{ providerWebhooks: ProviderWebhookService }> = async (app, { providerWebhooks }) => {
  // Verification needs the bytes as sent: re-serialised JSON would not match the signature. Scoped to this plugin.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: BODY_LIMIT_BYTES }, (_request, body, done) => { done(null, body); });

  app.post('/webhooks', {
    bodyLimit: BODY_LIMIT_BYTES,
    schema: {
      tags: ['provider'],
      summary: 'Receive a provider webhook',
      description: 'For the video provider, not for clients: a Standard Webhooks message (`webhook-id`, `webhook-timestamp`, `webhook-signature` over the raw JSON body) signed with `PROVIDER_WEBHOOK_SECRET`, carrying OpenAI\'s `video.completed` or `video.failed` event. It wakes the video\'s job, which then polls the provider at once. A bad signature or a timestamp more than 5 minutes away answers 401; a `webhook-id` received before answers 200 and does nothing; a video we do not know answers 200 too. Without `PROVIDER_WEBHOOK_SECRET` the route answers 404.',
      response: { 200: ReceivedSchema, ...ERROR_RESPONSES },
    },
  }, async (request, reply) => {
    try {
      await providerWebhooks.receive(request.body, request.headers, request.log);
    } catch (error) {
      // Guessing signatures costs the guesser's IP its rate-limit budget, as guessing API keys does.
      if (error instanceof AuthenticationError) await app.limitRequest(request, reply, null);
      throw error;
    }
    return { received: true as const };
  });
};
