/**
 * The two short random-walk markets (AAA seed 1, BBB seed 2) that the backtest runner and resume
 * tests run strategies over, recorded once per test file into `root`.
 */
import * as path from 'node:path';
import { defineScenario, runScenario } from '../../src/scenario/index.js';
import { repoRoot } from './tmp.js';

export const MA_JS = path.join(repoRoot, 'dist', 'scenarios', 'strategies', 'ma-crossover.js');
export const MM_JS = path.join(repoRoot, 'dist', 'scenarios', 'strategies', 'market-maker.js');

export interface MarketShape {
  duration: string;
  ratePerSec: number;
}

export function testMarket(name: string, symbol: string, seed: number, shape: MarketShape) {
  return defineScenario({
    name,
    description: 'a short market for backtest tests',
    seed,
    start: '2024-01-02T10:00:00Z',
    duration: shape.duration,
    symbols: [{ symbol, venue: 'SIM', price: 100, tickSize: 0.01 }],
    build(ctx) {
      ctx.ticks(symbol, { model: 'random-walk', volatility: 0.03, spreadBps: 2, ratePerSec: shape.ratePerSec });
    },
  });
}

/** Records market A (AAA) and market B (BBB) under root; returns their recording directories. */
export async function recordTwoMarkets(root: string, prefix: string, shape: MarketShape): Promise<{ a: string; b: string }> {
  const a = (await runScenario(testMarket(`${prefix}-a`, 'AAA', 1, shape), { out: path.join(root, 'in-a') })).dir;
  const b = (await runScenario(testMarket(`${prefix}-b`, 'BBB', 2, shape), { out: path.join(root, 'in-b') })).dir;
  return { a, b };
}
