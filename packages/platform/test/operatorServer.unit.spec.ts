import { once } from 'node:events';
import { createServer } from 'node:net';
import { expect } from 'chai';
import { createLogger, loadConfig, type OperatorServer, operatorConfigShape, operatorPorts, startOperatorServer } from '../src/index.ts';

/** A port free on loopback right now (OPERATOR_PORT=0 means no operator port, so the test picks one). */
async function freeLoopbackPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the operator port', () => {
  const logger = createLogger('operator-test', 'silent');
  let server: OperatorServer;
  let url: string;
  let databaseUp = true;

  before(async () => {
    const config = { OPERATOR_HOST: '127.0.0.1', OPERATOR_PORT: await freeLoopbackPort() };
    server = await startOperatorServer({ service: 'operator-test', config, probes: { broker: () => true, database: async () => databaseUp }, logger });
    url = `http://127.0.0.1:${server.port}`;
  });
  after(async () => {
    await server?.close();
  });

  it('answers /health 200 with everything up, and 503 naming the database when it is down', async () => {
    databaseUp = true;
    const up = await fetch(`${url}/health`);
    expect([up.status, await up.json()]).to.deep.equal([200, { status: 'ok', broker: 'up', database: 'up' }]);
    databaseUp = false;
    const down = await fetch(`${url}/health`);
    expect([down.status, await down.json()]).to.deep.equal([503, { status: 'unavailable', broker: 'up', database: 'down' }]);
  });

  it('serves /metrics in the text format, the connection gauges as the probes found them, labelled with the service', async () => {
    databaseUp = false;
    const response = await fetch(`${url}/metrics`);
    expect(response.status).to.equal(200);
    const text = await response.text();
    expect(text).to.include('trading_broker_connected{service="operator-test"} 1\n');
    expect(text).to.include('trading_database_connected{service="operator-test"} 0\n');
    expect(text).to.match(/^process_cpu_user_seconds_total\{service="operator-test"\} /m);
  });

  it('answers any other path 404 and any other method 405', async () => {
    expect((await fetch(`${url}/`)).status).to.equal(404);
    expect((await fetch(`${url}/metrics`, { method: 'POST' })).status).to.equal(405);
  });

  it('serves nothing with OPERATOR_PORT=0', async () => {
    const off = await startOperatorServer({
      service: 'operator-test',
      config: { OPERATOR_HOST: '127.0.0.1', OPERATOR_PORT: 0 },
      probes: { broker: () => true, database: async () => true },
      logger,
    });
    expect(off.port).to.equal(undefined);
    await off.close();
  });

  it('gives each service its own default port, and reads OPERATOR_HOST and OPERATOR_PORT', () => {
    const defaults = Object.keys(operatorPorts).map((service) => loadConfig(operatorConfigShape(service as keyof typeof operatorPorts), {}).OPERATOR_PORT);
    expect(defaults).to.deep.equal([9101, 9102, 9103, 9104, 9105]);
    expect(loadConfig(operatorConfigShape('trade'), { OPERATOR_HOST: '0.0.0.0', OPERATOR_PORT: '19103' })).to.deep.equal({
      OPERATOR_HOST: '0.0.0.0',
      OPERATOR_PORT: 19103,
    });
  });
});
