import type { PrismaClient } from '@trading/db';
import type { Catalogue } from './domain.ts';

/** The tradable symbols and their markets, as the catalogue migration seeded them. Read once at start. */
export async function loadCatalogue(prisma: PrismaClient): Promise<Catalogue> {
  const instruments = await prisma.instrument.findMany({ include: { market: true } });
  return new Map(
    instruments.map((instrument) => [
      instrument.symbol,
      {
        symbol: instrument.symbol,
        referencePrice: instrument.referencePrice.toFixed(),
        priceTick: instrument.priceTick.toFixed(),
        lotSize: instrument.lotSize.toFixed(),
        maxNotional: instrument.maxNotional.toFixed(),
        market: { name: instrument.market.name, opens: timeOfDay(instrument.market.opensAt), closes: timeOfDay(instrument.market.closesAt) },
      },
    ]),
  );
}

/** A TIME column reads back as a Date on 1970-01-01 UTC. */
function timeOfDay(time: Date): string {
  return time.toISOString().slice(11, 19);
}
