import { Stepper } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useImportStore, WizardSteps } from '../../stores/import.store';
import { FileStep } from './FileStep';
import { DetectStep } from './DetectStep';
import { MappingStep } from './MappingStep';
import { PreviewStep } from './PreviewStep';
import { CommitStep } from './CommitStep';

/** The import wizard: choose a file, check how it was read, map its columns, preview, import. */
export function ImportWizard() {
  const { t } = useTranslation();
  const step = useImportStore((s) => s.step);
  const finished = useImportStore((s) => s.result !== null);
  const active = finished ? WizardSteps.length : WizardSteps.indexOf(step);
  return (
    <>
      <Stepper active={active} size="sm" mb="lg" data-testid="wizard-steps" allowNextStepsSelect={false}>
        {WizardSteps.map((s) => (
          <Stepper.Step key={s} label={t(`import.steps.${s}`)} />
        ))}
      </Stepper>
      {step === 'file' && <FileStep />}
      {step === 'detect' && <DetectStep />}
      {step === 'mapping' && <MappingStep />}
      {step === 'preview' && <PreviewStep />}
      {step === 'commit' && <CommitStep />}
    </>
  );
}
