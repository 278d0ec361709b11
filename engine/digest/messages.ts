import { defineQuery } from '@temporalio/workflow';
import type { DigestProgress } from './types';

/** How far an hourly digest run is: users due and digests handled so far. */
export const getDigestProgressQuery = defineQuery<DigestProgress>('getDigestProgress');
