namespace AskProAI.Data;

/// <summary>The state of an appointment. Stored as an integer.</summary>
public enum AppointmentStatus
{
    /// <summary>Booked and still to come.</summary>
    Scheduled = 0,

    /// <summary>Took place.</summary>
    Completed = 1,

    /// <summary>Cancelled before it took place.</summary>
    Cancelled = 2,

    /// <summary>The customer did not come.</summary>
    NoShow = 3,
}
