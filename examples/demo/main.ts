// The statuskit demo shop: `npm run demo`. Every later capability is added here the way the README shows it.
import express from 'express';

const port = Number(process.env.PORT ?? 3000);
const app = express();
app.get('/livez', (_req, res) => {
  res.type('text/plain').send('ok');
});

const server = app.listen(port, () => {
  console.log(`statuskit demo listening on http://localhost:${port}`);
  console.log(`  liveness:  http://localhost:${port}/livez`);
});
process.once('SIGINT', () => server.close());
process.once('SIGTERM', () => server.close());
