// Which axis the occupancy profile runs along when the scene does not say.
import { AXES, type Scene } from '../model/scene/schema';

/** scene.observe.profileAxis, else the field axis, else the normal of the first slab region, else x. */
export function profileAxisOf(scene: Scene): 0 | 1 | 2 {
  if (scene.observe.profileAxis) return AXES.indexOf(scene.observe.profileAxis) as 0 | 1 | 2;
  if (scene.field) return AXES.indexOf(scene.field.axis) as 0 | 1 | 2;
  const slab = scene.regions.find((r) => r.slab)?.slab;
  if (slab) return AXES.indexOf(slab.axis) as 0 | 1 | 2;
  return 0;
}
