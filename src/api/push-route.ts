// The push: the pre-receive hook hands a push's refs here (over the admin socket); the deploy job takes it from there.
import { Streamed, type Route } from './dispatch.js';
import { checkPushRequest, submitPush } from '../jobs/deploy.js';

export const PUSH_ROUTE: Route = {
  method: 'POST',
  pattern: /^\/internal\/receive$/,
  audit: false,
  scope: 'admin',
  handler: async ({ services, body }) => {
    const request = checkPushRequest(body);
    return new Streamed((write, signal) => submitPush(services, request, write, signal));
  },
};
