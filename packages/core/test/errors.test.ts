import { describe, expect, it } from 'vitest';
import {
  CallTimeoutError,
  ConnectionLostError,
  DriverRegistrationError,
  NoWorkersError,
  OutpoolsError,
  messageOf,
} from '../src/errors.js';

describe('error classes', () => {
  it('tell subclasses apart with instanceof, and every one is an OutpoolsError and an Error', () => {
    const timeout = new CallTimeoutError(300);
    expect(timeout).toBeInstanceOf(CallTimeoutError);
    expect(timeout).toBeInstanceOf(OutpoolsError);
    expect(timeout).toBeInstanceOf(Error);
    expect(timeout instanceof NoWorkersError).toBe(false);
    expect(new NoWorkersError() instanceof CallTimeoutError).toBe(false);
    expect(new ConnectionLostError('gone') instanceof DriverRegistrationError).toBe(false);
    expect(new Error('plain') instanceof OutpoolsError).toBe(false);
  });

  it('recognise an error of another copy of the package by its brand', () => {
    const foreign = Object.assign(new Error('x'), {
      [Symbol.for('outpools.error')]: true,
      [Symbol.for('outpools.error.CallTimeoutError')]: true,
    });
    expect(foreign instanceof CallTimeoutError).toBe(true);
    expect(foreign instanceof OutpoolsError).toBe(true);
    expect(foreign instanceof NoWorkersError).toBe(false);
  });

  it('messageOf gives the message of an Error and the text of anything else', () => {
    expect(messageOf(new Error('refused'))).toBe('refused');
    expect(messageOf('plain')).toBe('plain');
    expect(messageOf(42)).toBe('42');
  });
});
