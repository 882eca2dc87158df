// Kept for the emulator's timing module, which re-exports the pause under its old path.
export { pause } from './timing.ts';
