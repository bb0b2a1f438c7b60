// Resolves an xds:/// target through @grpc/grpc-js-xds against the ADS server named in
// $GRPC_XDS_BOOTSTRAP, calls Reviews.Whoami COUNT times and prints {"versions":[...]} on one line.
// It keeps its ADS stream open (so the server can inspect the node's ACKs and NACKs) until stdin
// closes, and exits as soon as it does, even mid-call.
'use strict';

const path = require('path');
const grpc = require('@grpc/grpc-js');
const grpcXds = require('@grpc/grpc-js-xds');
const protoLoader = require('@grpc/proto-loader');

const [target, countArg] = process.argv.slice(2);
const count = Number.parseInt(countArg ?? '5', 10);
if (!target || !target.startsWith('xds:///') || !(count > 0)) {
  console.error('usage: node client.js xds:///HOST:PORT [COUNT]');
  process.exit(2);
}
if (!process.env.GRPC_XDS_BOOTSTRAP) {
  console.error('GRPC_XDS_BOOTSTRAP must name the xDS bootstrap file');
  process.exit(2);
}

grpcXds.register();
const definition = protoLoader.loadSync(path.join(__dirname, 'reviews.proto'));
const { Reviews } = grpc.loadPackageDefinition(definition).trellis.conformance;
const client = new Reviews(target, grpc.credentials.createInsecure());

function whoamiOnce(deadline) {
  return new Promise((resolve, reject) => {
    client.Whoami({}, { deadline, waitForReady: true }, (err, reply) => (err ? reject(err) : resolve(reply.version)));
  });
}

// While configuration is missing or was rejected, grpc-js fails calls with UNAVAILABLE; keep
// calling until a usable configuration arrives or the time budget runs out.
async function whoami() {
  const deadline = Date.now() + 30000;
  for (;;) {
    try {
      return await whoamiOnce(new Date(deadline));
    } catch (err) {
      if (err.code !== grpc.status.UNAVAILABLE || Date.now() >= deadline) throw err;
      console.error(`retrying after: ${err.details}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function exit() {
  client.close();
  process.exit(0);
}

async function main() {
  process.stdin.on('end', exit).on('close', exit).resume();
  const versions = [];
  for (let i = 0; i < count; i++) versions.push(await whoami());
  process.stdout.write(JSON.stringify({ versions }) + '\n');
}

main().catch((err) => {
  console.error(`call failed: ${err.code ?? ''} ${err.details ?? err.message}`);
  process.exit(1);
});
