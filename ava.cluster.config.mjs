// The cluster tests (test/cluster/): a real Docker Swarm made on this machine. They run after the rest of the
// suite, alone, so that their cluster neither loads nor changes the host engine under the other tests.
export default {
  files: ['dist/test/cluster/**/*.test.js'],
  // AVA's timeout is for a stretch with no test ending: 10 deploys and 10 rollbacks under load take about 7 min alone.
  timeout: '15m',
  concurrency: 1,
  workerThreads: false,
};
