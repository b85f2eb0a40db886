import { describe, expect, it } from 'vitest';
import { cmText, degreesText, huText, lengthText, ratioText, sizeText, volumeText } from './format.ts';

describe('report number formatting', () => {
  it('cm with one decimal from whole mm, half away from zero', () => {
    expect(cmText(21.3)).toBe('2.1');
    expect(cmText(20.5)).toBe('2.1');
    expect(cmText(20.4)).toBe('2.0');
    expect(cmText(4)).toBe('0.4');
    expect(cmText(131)).toBe('13.1');
    expect(sizeText(21.3, 14.2)).toBe('2.1 x 1.4 cm');
    expect(lengthText(130)).toBe('13.0 cm');
  });

  it('volumes in mL: whole from 10 mL, one decimal below, two below 0.1 mL', () => {
    expect(volumeText(320)).toBe('320 mL');
    expect(volumeText(314.5)).toBe('315 mL');
    expect(volumeText(10.4)).toBe('10 mL');
    expect(volumeText(2.345)).toBe('2.3 mL');
    expect(volumeText(0.06)).toBe('0.06 mL');
  });

  it('HU as integers, angles in whole degrees, ratios with two decimals', () => {
    expect(huText(35.5)).toBe('36 HU');
    expect(huText(-12.4)).toBe('-12 HU');
    expect(huText(-0.4)).toBe('0 HU');
    expect(degreesText(199.6)).toBe('200 degrees');
    expect(ratioText(0.6)).toBe('0.60');
    expect(ratioText(0.7249)).toBe('0.72');
  });
});
