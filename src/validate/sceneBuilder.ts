// Validation cases are scenes built in code and run through runScene, so any
// engine kind can be validated with the same cases.
import type { SceneInput, Scene } from '../model/scene/schema';
import { validateScene } from '../model/scene/validate';

export type CaseSceneInput = Omit<SceneInput, 'ionhop' | 'description'> & { description?: string };

export function caseScene(input: CaseSceneInput): Scene {
  return validateScene({ ionhop: 1, description: '', ...input }, `validation scene "${input.name}"`);
}
