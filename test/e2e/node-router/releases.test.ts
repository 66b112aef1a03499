// The releases suite again, with the in-process router as the data plane (--router node) instead of HAProxy.
process.env.PAAS_E2E_ROUTER = 'node';
await import('../releases.test.js');
