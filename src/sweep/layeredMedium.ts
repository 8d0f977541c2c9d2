// Analytic D of one non-interacting ion in a layered medium (docs/physics.md,
// "Layered media"): regions that change along one axis only, periodic along it.
// Across the layers the ion walks a 1D chain, whose D is the harmonic (series)
// mean of the bond conductances; along the layers it hops with its layer's rate,
// and D is the occupancy-weighted arithmetic (parallel) mean:
//   D⊥ = a² / ⟨ 1 / (N·π_l·k_{l→l+1}) ⟩_bonds,   D∥ = a² · Σ_l π_l·k_l,
// with π_l ∝ exp(−E_l/kT) the equilibrium occupancy of layer l. Rates come from
// the compiled RateModel, so the formulas see exactly the barriers the engine uses.
import { A2_PER_S_TO_CM2_PER_S, hopIndex, type RateModel } from '../model/rateModel';
import { AXES, type AxisName } from '../model/scene/schema';

/** Most filling (ions per allowed site) at which the single-ion formula is offered: exclusion then lowers D* by about 1.4·c ≤ 7 %. */
export const MAX_FILLING = 0.05;

export interface LayeredPrediction {
  /** Axis normal to the layers (null for a homogeneous lattice). */
  layerAxis: AxisName | null;
  /** D per axis (cm²/s), single-ion limit. */
  perAxisCm2PerS: Partial<Record<AxisName, number>>;
  /** Tracer D* = mean of the per-axis values (cm²/s), comparable with the measured D*. */
  tracerCm2PerS: number;
  /** Fraction of the species' allowed sites that its ions fill; the formula ignores site exclusion, exact at one ion. */
  filling: number;
}

export type LayeredOutcome = { applies: true; prediction: LayeredPrediction } | { applies: false; reason: string };

function coordinates(model: RateModel, i: number): [number, number, number] {
  const [nx, ny] = model.size;
  return [i % nx, Math.floor(i / nx) % ny, Math.floor(i / (nx * ny))];
}

/** The prediction for species index s, or why it does not apply. */
export function layeredPrediction(model: RateModel, s: number, ions: number): LayeredOutcome {
  if (model.hasInteractions) return { applies: false, reason: 'the scene has interactions' };
  if (model.lubrication.length > 0) return { applies: false, reason: 'the scene has lubrication' };
  if (model.field) return { applies: false, reason: 'the scene has a field' };
  // Slot 2·axis is the + hop along the axis on these lattices (lattice.ts); others have diagonal or sublattice-bound slots.
  if (!['square', 'cubic', 'layered'].includes(model.lattice.type)) return { applies: false, reason: `the formula covers square, cubic and layered lattices, not ${model.lattice.type}` };
  const R = model.nRegions;
  // Which axes does the region of a site depend on?
  const varies = [false, false, false];
  const stride = [1, model.size[0], model.size[0] * model.size[1]];
  for (let i = 0; i < model.nSites; i++) {
    const c = coordinates(model, i);
    for (let ax = 0; ax < model.dim; ax++)
      if (c[ax] > 0 && model.siteRegion[i] !== model.siteRegion[i - stride[ax]]) varies[ax] = true;
  }
  const layered = varies.flatMap((v, ax) => (v ? [ax] : []));
  if (layered.length > 1) return { applies: false, reason: `regions change along ${layered.map((a) => AXES[a]).join(' and ')}, not along one axis` };
  const L = layered.length === 1 ? layered[0] : 0;
  // A reflecting wall bounds the MSD along its axis and may keep ions out of equilibrium across the layers.
  for (let ax = 0; ax < model.dim; ax++) if (!model.periodic[ax]) return { applies: false, reason: `axis ${AXES[ax]} is reflecting, not periodic` };
  const n = model.size[L];
  const regionOfLayer = Array.from({ length: n }, (_, l) => model.siteRegion[l * stride[L]]);
  for (const r of regionOfLayer)
    if (!model.allowed[s * R + r]) return { applies: false, reason: `${model.speciesNames[s]} may not enter region ${model.regionNames[r]}, which cuts the chain across the layers` };
  const kT = model.kT;
  const weights = regionOfLayer.map((r) => Math.exp(-model.siteEnergy[s * R + r] / kT));
  const z = weights.reduce((a, b) => a + b, 0);
  const pi = weights.map((w) => w / z);
  const rate = (from: number, to: number, d: number) => model.hopRate[hopIndex(model, s, from, to, d)];
  const perAxis: Partial<Record<AxisName, number>> = {};
  for (let ax = 0; ax < model.dim; ax++) {
    const plus = 2 * ax;
    // Spacing along this axis (the interlayer spacing c along z on a layered host).
    const a2 = model.lattice.layerSpacing[ax] * model.lattice.layerSpacing[ax];
    let d: number;
    if (ax === L && layered.length === 1) {
      // Series: bond l joins layer l to l+1 (periodic).
      let sumInverse = 0;
      for (let l = 0; l < n; l++) sumInverse += 1 / (n * pi[l] * rate(regionOfLayer[l], regionOfLayer[(l + 1) % n], plus));
      d = a2 / (sumInverse / n);
    } else {
      d = a2 * regionOfLayer.reduce((sum, r, l) => sum + pi[l] * rate(r, r, plus), 0);
    }
    perAxis[AXES[ax]] = d * A2_PER_S_TO_CM2_PER_S;
  }
  const values = Object.values(perAxis) as number[];
  let allowedSites = 0;
  for (let i = 0; i < model.nSites; i++) if (model.allowed[s * R + model.siteRegion[i]]) allowedSites++;
  const filling = ions / allowedSites;
  if (filling > MAX_FILLING) return { applies: false, reason: `the filling ${filling.toPrecision(3)} exceeds ${MAX_FILLING}: site exclusion lowers D* by more than the formula's single-ion limit allows for` };
  return {
    applies: true,
    prediction: {
      layerAxis: layered.length === 1 ? AXES[L] : null,
      perAxisCm2PerS: perAxis,
      tracerCm2PerS: values.reduce((a, b) => a + b, 0) / values.length,
      filling,
    },
  };
}
