// A third-party gRPC client for the grpc-greeter sample: @grpc/grpc-js, which honours http_proxy by opening a
// CONNECT tunnel to the target and speaking h2c inside it. Prints the same lines as `grpc-greeter call`.
//   node greeter-client.js GRPC_JS_DIR PROTO_LOADER_DIR PROTO TARGET unary|stream N [KEY=VALUE...]
'use strict';
const [grpcDir, loaderDir, protoPath, target, mode, countText, ...headers] = process.argv.slice(2);
const grpc = require(grpcDir);
const loader = require(loaderDir);

const definition = loader.loadSync(protoPath, { keepCase: true, defaults: true });
const Greeter = grpc.loadPackageDefinition(definition).helloworld.Greeter;
const client = new Greeter(target, grpc.credentials.createInsecure());
const metadata = new grpc.Metadata();
for (const header of headers) {
  const eq = header.indexOf('=');
  metadata.add(header.slice(0, eq), header.slice(eq + 1));
}
const count = Number(countText);
const statusName = Object.fromEntries(Object.entries(grpc.status).map(([name, code]) => [code, name]));
const deadline = () => new Date(Date.now() + 10000);

function format(reply) {
  const echoed = Object.keys(reply.metadata).sort().map(k => ` ${k}=${reply.metadata[k]}`).join('');
  return `version=${reply.version} pod=${reply.pod} seq=${reply.sequence} message="${reply.message}"${echoed}`;
}

async function unary() {
  let failed = 0;
  for (let i = 0; i < count; i++) {
    try {
      const reply = await new Promise((resolve, reject) =>
        client.SayHello({ name: 'node' }, metadata, { deadline: deadline() }, (err, r) => (err ? reject(err) : resolve(r))));
      console.log(format(reply));
    } catch (err) {
      console.log(`error status=${statusName[err.code]} detail="${err.details}"`);
      failed++;
    }
  }
  return failed === 0 ? 0 : 1;
}

function stream() {
  return new Promise(resolve => {
    let received = 0;
    const call = client.SayHelloStream({ name: 'node', count }, metadata, { deadline: deadline() });
    call.on('data', reply => { received++; console.log(format(reply)); });
    call.on('error', () => {});
    call.on('status', status => {
      const trailers = Object.entries(status.metadata.getMap()).map(([k, v]) => `${k}=${v}`).join(' ');
      console.log(`status=${statusName[status.code]} received=${received} trailers: ${trailers}`);
      resolve(status.code === grpc.status.OK && received === count ? 0 : 1);
    });
  });
}

(mode === 'stream' ? stream() : unary()).then(code => { client.close(); process.exit(code); });
