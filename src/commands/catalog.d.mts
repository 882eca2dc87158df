// Types for catalog.mjs (plain JS so bin/ can print --help and --version without tsx).
import type { Command } from 'commander';

export declare const COMMANDS: ReadonlyArray<{ name: string; summary: string; hasOptions: boolean }>;
export declare function rootProgram(version: string, loaded?: Map<string, Command>): Command;
export declare function commandNamed(args: string[]): string | undefined;
