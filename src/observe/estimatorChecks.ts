// Where an estimator's assumptions fail, its number is not a measurement: say
// so, with the reason, instead of printing it (a 2×2 reflecting box once gave
// D_σ = −36 Å²/s and a Haven ratio of −0.63; a frozen run gave D* "n/a").
// - D from an MSD slope assumes the MSD still grows linearly: on a reflecting
//   axis of length L it saturates at L²/6 (uniform distribution in a box), so
//   once the MSD along that axis passes a quarter of that the fit is biased.
// - A negative collective slope is noise, not a diffusivity; a Haven ratio
//   needs a positive D_σ.
// - A species none of whose ions hopped in any replica is frozen: D* = D_σ = 0
//   is what happened, not an estimate with an error bar.
import type { RateModel } from '../model/rateModel';
import { AXES, type AxisName } from '../model/scene/schema';
import type { RunObservables, SpeciesObservables } from './aggregate';

/** Fraction of the confinement limit L²/6 beyond which an MSD slope along a reflecting axis is not used. */
export const CONFINED_MSD_FRACTION = 0.25;

export type EstimatorName = 'tracer' | 'collective' | 'havenRatio' | AxisName;

export interface CheckedSpecies extends SpeciesObservables {
  /** No ion of this species hopped in any replica. */
  frozen: boolean;
  /** Estimators reported as "not defined" (value and se NaN, null in JSON), with the reason. */
  notDefined: Partial<Record<EstimatorName, string>>;
}

export interface CheckedObservables extends Omit<RunObservables, 'species'> {
  /** No hop at all in any replica. */
  frozen: boolean;
  species: CheckedSpecies[];
}

const UNDEFINED = { value: NaN, se: NaN };

export function checkEstimators(model: RateModel, o: RunObservables): CheckedObservables {
  const species = o.species.map((sp): CheckedSpecies => {
    const notDefined: CheckedSpecies['notDefined'] = {};
    const frozen = sp.eventsPerReplica.value === 0 && (Number.isNaN(sp.eventsPerReplica.se) || sp.eventsPerReplica.se === 0);
    if (frozen) {
      const zero = { value: 0, se: 0 };
      const perAxis = Object.fromEntries(Object.keys(sp.tracer.perAxisA2PerS).map((ax) => [ax, zero]));
      notDefined.havenRatio = 'frozen: no ion of this species hopped in any replica, so D* = D_σ = 0 and their ratio is 0/0';
      return {
        ...sp,
        tracer: { a2PerS: zero, cm2PerS: zero, perAxisA2PerS: perAxis },
        collective: { a2PerS: zero, cm2PerS: zero },
        havenRatio: UNDEFINED,
        frozen,
        notDefined,
      };
    }
    const out: CheckedSpecies = { ...sp, tracer: { ...sp.tracer, perAxisA2PerS: { ...sp.tracer.perAxisA2PerS } }, frozen, notDefined };
    const confined: string[] = [];
    for (let a = 0; a < model.dim; a++) {
      if (model.periodic[a]) continue;
      const axis = AXES[a];
      const length = model.size[a] * model.spacing;
      const limit = (length * length) / 6;
      const reached = Math.max(...sp.msd[axis].mean.filter(Number.isFinite));
      if (reached > CONFINED_MSD_FRACTION * limit) {
        const reason = `confined: the MSD along ${axis} reaches ${reached.toPrecision(3)} Å², ${((100 * reached) / limit).toFixed(0)} % of its limit L²/6 = ${limit.toPrecision(3)} Å² on the reflecting ${model.size[a]}-site axis, so it no longer grows linearly; use a longer lattice or a shorter run`;
        notDefined[axis] = reason;
        out.tracer.perAxisA2PerS[axis] = UNDEFINED;
        confined.push(reason);
      }
    }
    if (confined.length === 0 && sp.tracerIons.value === 0) {
      // An open scene: every ion of the species arrived after the fit window began (or left before its end).
      notDefined.tracer = 'no ion of this species stayed through the whole fit window (ions that arrive after it begins are not followed, ions that leave drop out); lower observe.fitFrom or run longer';
      out.tracer = { ...out.tracer, a2PerS: UNDEFINED, cm2PerS: UNDEFINED };
    }
    if (confined.length > 0) {
      notDefined.tracer = confined[0];
      notDefined.collective = confined[0];
      out.tracer = { ...out.tracer, a2PerS: UNDEFINED, cm2PerS: UNDEFINED };
      out.collective = { a2PerS: UNDEFINED, cm2PerS: UNDEFINED };
    } else if (!(sp.collective.a2PerS.value > 0)) {
      notDefined.collective = `the centre-of-mass MSD slope is ${sp.collective.a2PerS.value.toPrecision(3)} Å²/s, not positive: noise dominates it; run longer or with more replicas`;
      out.collective = { a2PerS: UNDEFINED, cm2PerS: UNDEFINED };
    }
    if (notDefined.tracer || notDefined.collective) {
      notDefined.havenRatio = `needs D* and D_σ: ${notDefined.collective ?? notDefined.tracer}`;
      out.havenRatio = UNDEFINED;
    }
    return out;
  });
  return { ...o, frozen: species.every((sp) => sp.frozen), species };
}

/**
 * Engines that create ions without a tracer slot (gpu-lattice with open faces
 * or water dissociation, IonState.untracked) keep displacements only for the ions placed at the start:
 * an MSD or a centre of mass over those is not the tracer or collective
 * diffusivity of the ions present, nor their drift. Those estimators become
 * "not defined" with the reason; occupancies, profiles, crossings and the
 * exchange observables (counted per ion present) stand.
 */
export function omitTracerEstimators(o: CheckedObservables, engine: string): CheckedObservables {
  const reason = `${engine} creates ions (at reservoir faces, by water dissociation) without a tracer identity (no displacement is kept for them), so MSD-based D*, D_σ, the Haven ratio and the drift would cover only the ions placed at the start; use --engine cpu for them`;
  const species = o.species.map((sp): CheckedSpecies => {
    const perAxis = Object.fromEntries(Object.keys(sp.tracer.perAxisA2PerS).map((ax) => [ax, UNDEFINED]));
    const notDefined: CheckedSpecies['notDefined'] = { ...sp.notDefined, tracer: reason, collective: reason, havenRatio: reason };
    for (const ax of Object.keys(perAxis)) notDefined[ax as EstimatorName] = reason;
    return { ...sp, tracer: { a2PerS: UNDEFINED, cm2PerS: UNDEFINED, perAxisA2PerS: perAxis }, collective: { a2PerS: UNDEFINED, cm2PerS: UNDEFINED }, havenRatio: UNDEFINED, notDefined };
  });
  const drift = {
    ...o.drift,
    species: blankEstimates(o.drift.species),
    conductivity: blankEstimates(o.drift.conductivity),
    notes: { ...o.drift.notes, drift: `not defined: ${reason}` },
  };
  return { ...o, species, drift };
}

/** A copy with every { value, se } estimate inside replaced by NaN ± NaN. */
function blankEstimates<T>(x: T): T {
  if (x === null || typeof x !== 'object') return x;
  if (Array.isArray(x)) return x.map(blankEstimates) as T;
  const keys = Object.keys(x);
  if (keys.includes('value') && keys.includes('se')) return { ...x, ...UNDEFINED };
  return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, blankEstimates(v)])) as T;
}
