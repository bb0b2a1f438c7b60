// A proxyless gRPC client in the mesh: @grpc/grpc-js-xds resolves an xds:/// target of the grpc-greeter sample
// through the control plane named in $GRPC_XDS_BOOTSTRAP (no sidecar in between), calls helloworld.Greeter's
// SayHello COUNT times with the given metadata, and prints one line per call as `grpc-greeter call` does:
//   version=v1 pod=greeter-v1-... seq=1 message="Hello node" end-user=jason
//   error status=UNAVAILABLE detail="..."
// With --hold it then keeps its xDS stream open until stdin closes, so `trellis proxy-status` can see it.
//   node greeter.js xds:///greeter.grpc-greeter.svc.cluster.local:50051 COUNT [KEY=VALUE...] [--hold]
'use strict';

const path = require('path');
const grpc = require('@grpc/grpc-js');
const grpcXds = require('@grpc/grpc-js-xds');
const protoLoader = require('@grpc/proto-loader');

const args = process.argv.slice(2);
const hold = args.includes('--hold');
const [target, countArg, ...headers] = args.filter((a) => a !== '--hold');
const count = Number.parseInt(countArg ?? '1', 10);
if (!target || !target.startsWith('xds:///') || !(count > 0) || headers.some((h) => !h.includes('='))) {
  console.error('usage: node greeter.js xds:///HOST:PORT COUNT [KEY=VALUE...] [--hold]');
  process.exit(2);
}
if (!process.env.GRPC_XDS_BOOTSTRAP) {
  console.error('GRPC_XDS_BOOTSTRAP must name the xDS bootstrap file');
  process.exit(2);
}

grpcXds.register();
const proto = path.join(__dirname, '..', '..', 'samples', 'grpc-greeter', 'src', 'Trellis.Samples.GrpcGreeter', 'Protos', 'greeter.proto');
const definition = protoLoader.loadSync(proto, { keepCase: true, defaults: true });
const { Greeter } = grpc.loadPackageDefinition(definition).helloworld;
const client = new Greeter(target, grpc.credentials.createInsecure());
const metadata = new grpc.Metadata();
for (const header of headers) {
  const eq = header.indexOf('=');
  metadata.add(header.slice(0, eq), header.slice(eq + 1));
}
const statusName = Object.fromEntries(Object.entries(grpc.status).map(([name, code]) => [code, name]));

function format(reply) {
  const echoed = Object.keys(reply.metadata).sort().map((k) => ` ${k}=${reply.metadata[k]}`).join('');
  return `version=${reply.version} pod=${reply.pod} seq=${reply.sequence} message="${reply.message}"${echoed}`;
}

// waitForReady: the first call waits for the xDS configuration instead of failing while it resolves.
function sayHello() {
  return new Promise((resolve) => {
    const deadline = new Date(Date.now() + 15000);
    client.SayHello({ name: 'node' }, metadata, { deadline, waitForReady: true }, (err, reply) =>
      resolve(err ? `error status=${statusName[err.code]} detail="${err.details}"` : format(reply)));
  });
}

function exit(code) {
  client.close();
  process.exit(code);
}

async function main() {
  let failed = 0;
  for (let i = 0; i < count; i++) {
    const line = await sayHello();
    if (line.startsWith('error ')) failed++;
    console.log(line);
  }
  if (!hold) exit(failed === 0 ? 0 : 1);
  console.log('holding');
  process.stdin.on('end', () => exit(failed === 0 ? 0 : 1)).on('close', () => exit(failed === 0 ? 0 : 1)).resume();
}

main();
