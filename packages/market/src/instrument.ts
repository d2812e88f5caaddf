/** A symbol as the market knows it (market.instrument). Prices are decimal strings; hours are UTC HH:MM:SS. */
export type Instrument = {
  symbol: string;
  market: string;
  opens: string;
  closes: string;
  referencePrice: string;
  priceTick: string;
};

/** Open from `opens` through the last second of `closes`, in UTC: Crypto's 00:00:00–23:59:59 is the whole day. */
export function isOpen(instrument: Pick<Instrument, 'opens' | 'closes'>, now: Date): boolean {
  const time = now.toISOString().slice(11, 19);
  return instrument.opens <= time && time <= instrument.closes;
}
