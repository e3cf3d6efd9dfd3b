package com.example.shop;

import io.temporal.workflow.NexusOperationOptions;
import io.temporal.workflow.NexusServiceOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;

/** The shop's workflow, which calls the inventory over Nexus. */
@WorkflowInterface
public interface CheckoutWorkflow {
  @WorkflowMethod
  String checkout(String item);

  class Impl implements CheckoutWorkflow {
    private final InventoryService inventory =
        Workflow.newNexusServiceStub(
            InventoryService.class,
            NexusServiceOptions.newBuilder()
                .setEndpoint("inventory")
                .setOperationOptions(
                    NexusOperationOptions.newBuilder()
                        .setScheduleToCloseTimeout(Duration.ofSeconds(30))
                        .build())
                .build());

    @Override
    public String checkout(String item) {
      return inventory.reserve(item);
    }
  }
}
